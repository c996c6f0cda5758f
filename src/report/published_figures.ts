/**
 * Published figures the report sets the study's numbers beside, as data,
 * each with where its source states it: Lee, Ajanthan & Torr 2019 (SNIP,
 * ICLR 2019, arXiv:1810.02340), Table 1, LeNet-300-100 on MNIST, and the
 * training recipe of Section 5 ("Experiment setup") with what the paper
 * leaves to its public code (`namhoonlee/snip-public` at b00bef0, read, not
 * copied). A setting neither states is `undefined`, never guessed: the
 * paper does not say how many iterations its MNIST runs train for.
 *
 * @module
 */

import type { DatasetName, ModelSettings } from "../config/types.ts";

/** One figure a paper reports for a method at one sparsity. */
export interface PublishedFigure {
  /** Registry name of the method it is a figure of (`dense` for the unpruned reference). */
  method: "dense" | "snip";
  /** Fraction of the weights pruned; 0 for the reference. */
  sparsity: number;
  /** Test error in percent, as printed. */
  testErrorPercent: number;
  /** Decimals it is printed with: it stands for the interval of half a last digit around it. */
  decimals: number;
  /** Where the source prints it. */
  where: string;
}

/** A setting of a published training recipe and where the source states it. */
export interface PublishedSetting<T> {
  /** The value; `undefined` when the source does not state it. */
  value: T | undefined;
  /** The value in words, as the report prints it. */
  text: string;
  /** Where it is stated (section, table or file and function). */
  source: string;
}

/** The recipe a published figure was trained with, as far as its source states it. */
export interface PublishedRecipe {
  /** Optimiser (`sgd`: with momentum). */
  optimizer: PublishedSetting<"sgd" | "adam">;
  /** Momentum of SGD. */
  momentum: PublishedSetting<number>;
  /** Initial learning rate. */
  learningRate: PublishedSetting<number>;
  /** Learning-rate schedule, in words (`undefined` value: constant). */
  learningRateSchedule: PublishedSetting<string>;
  /** Mini-batch size. */
  batchSize: PublishedSetting<number>;
  /** Weight decay rate (0: none). */
  weightDecay: PublishedSetting<number>;
  /** Training examples the network is trained on. */
  trainingExamples: PublishedSetting<number>;
  /** Training iterations (mini-batch steps). */
  iterations: PublishedSetting<number>;
  /** Initialisation of the weights, in words. */
  initialization: PublishedSetting<string>;
  /** Examples SNIP's connection sensitivity is computed on. */
  scoringSamples: PublishedSetting<number>;
  /** How the sparsity is spread over layers (one of the harness's allocation names). */
  allocation: PublishedSetting<string>;
  /** Whether biases are scored and pruned with the weights. */
  prunesBiases: PublishedSetting<boolean>;
  /** Runs (seeds) per sparsity. */
  runs: PublishedSetting<number>;
}

/** A paper's figures for one dataset and model, with their recipe. */
export interface PublishedResults {
  /** Short citation, e.g. `Lee et al. 2019`. */
  citation: string;
  /** Full reference: authors, title, venue. */
  reference: string;
  /** Where to read it. */
  url: string;
  /** The harness's dataset the figures are on. */
  dataset: DatasetName;
  /** The harness's model the figures are of. */
  model: ModelSettings;
  /** The model's name in the paper. */
  modelName: string;
  /** The figures, in the order the report lists them. */
  figures: readonly PublishedFigure[];
  /** The training recipe. */
  recipe: PublishedRecipe;
}

/** Where Section 5's experiment setup is, for the recipe's sources. */
const SETUP = "Section 5, Experiment setup";
/** The commit of the authors' code the settings the paper leaves out were read at. */
const CODE = "snip-public b00bef0";

/** Lee et al. 2019, Table 1: SNIP on LeNet-300-100, MNIST. */
export const LEE_2019_LENET_300_100: PublishedResults = {
  citation: "Lee et al. 2019",
  reference: "N. Lee, T. Ajanthan, P. H. S. Torr, SNIP: Single-shot Network Pruning based on " +
    "Connection Sensitivity, ICLR 2019",
  url: "https://arxiv.org/abs/1810.02340",
  dataset: "mnist",
  model: { kind: "mlp", hidden: [300, 100] },
  modelName: "LeNet-300-100",
  figures: [
    { method: "dense", sparsity: 0, testErrorPercent: 1.7, decimals: 1, where: "Table 1, Ref." },
    {
      method: "snip",
      sparsity: 0.95,
      testErrorPercent: 1.6,
      decimals: 1,
      where: "Table 1, SNIP, 95.0%",
    },
    {
      method: "snip",
      sparsity: 0.98,
      testErrorPercent: 2.4,
      decimals: 1,
      where: "Table 1, SNIP, 98.0%",
    },
  ],
  recipe: {
    optimizer: { value: "sgd", text: "SGD", source: SETUP },
    momentum: { value: 0.9, text: "0.9", source: SETUP },
    learningRate: { value: 0.1, text: "0.1", source: SETUP },
    learningRateSchedule: {
      value: "× 0.1 every 25,000 iterations",
      text: "× 0.1 every 25,000 iterations",
      source: SETUP,
    },
    batchSize: { value: 100, text: "100", source: SETUP },
    weightDecay: { value: 0.0005, text: "0.0005", source: SETUP },
    trainingExamples: {
      value: 54000,
      text: "54,000 (90% of the training split, 10% held out for validation)",
      source: SETUP,
    },
    iterations: {
      value: undefined,
      text: "not stated (the code's default `--train_iterations` is 10,000)",
      source: `${SETUP}; ${CODE} snip/main.py`,
    },
    initialization: {
      value: "variance scaling",
      text: "variance scaling (TensorFlow's `variance_scaling_initializer`)",
      source: `${CODE} snip/main.py \`--initializer_w_bp vs\`, snip/network.py`,
    },
    scoringSamples: { value: 100, text: "100 (one batch)", source: SETUP },
    allocation: {
      value: "global",
      text: "global (one threshold over all layers)",
      source: `${CODE} snip/model.py \`create_sparse_mask\``,
    },
    prunesBiases: {
      value: true,
      text: "weights and biases",
      source: `${CODE} snip/model.py \`prn_keys\``,
    },
    runs: {
      value: 20,
      text: "20 per sparsity, for Figure 1",
      source: "Section 5.1",
    },
  },
};

/** Every published set of figures the report compares the study with. */
export const PUBLISHED_RESULTS: readonly PublishedResults[] = [LEE_2019_LENET_300_100];
