/**
 * The field reference of experiment files (`docs/experiment_fields.md`),
 * generated from the same JSON Schema editors use, so that it can never
 * disagree with what the harness accepts. Regenerate with `deno task schema`
 * (a test fails when the committed file is stale).
 *
 * @module
 */
import { experimentJsonSchema } from "./json_schema.ts";

/** A JSON Schema node, as far as the reference reads it. */
interface SchemaNode {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  oneOf?: SchemaNode[];
  additionalProperties?: SchemaNode | boolean;
}

/** Largest float32, which the schema gives as the bound of unbounded numbers. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Where the reference is written, relative to the repository root. */
export const FIELD_REFERENCE_URL: URL = new URL(
  "../../docs/experiment_fields.md",
  import.meta.url,
);

/** Escapes a table cell: pipes would end it, line breaks would end the row. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

function code(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

/** The range of a number, e.g. `in (0, 1]` or `>= 1`. */
function range(node: SchemaNode): string {
  const low = node.exclusiveMinimum ?? node.minimum;
  const high = node.exclusiveMaximum ??
    (node.maximum === FLOAT32_MAX ? undefined : node.maximum);
  const open = node.exclusiveMinimum !== undefined ? "(" : "[";
  const close = node.exclusiveMaximum !== undefined ? ")" : "]";
  if (low !== undefined && high !== undefined) return ` in ${open}${low}, ${high}${close}`;
  if (low !== undefined) return node.exclusiveMinimum !== undefined ? ` > ${low}` : ` >= ${low}`;
  if (high !== undefined) return node.exclusiveMaximum !== undefined ? ` < ${high}` : ` <= ${high}`;
  return "";
}

/** What values a field takes, in words. */
export function describeType(node: SchemaNode): string {
  if (node.const !== undefined) return code(node.const);
  if (node.enum !== undefined) return node.enum.map(code).join(", ");
  if (node.oneOf !== undefined) {
    return node.oneOf.every((variant) => variant.type === "object")
      ? "object, one of the kinds below"
      : node.oneOf.map(describeType).join(" or ");
  }
  switch (node.type) {
    case "integer":
    case "number":
      return `${node.type}${range(node)}`;
    case "string":
      return node.maxLength !== undefined
        ? `string of ${node.minLength ?? 0}-${node.maxLength} characters`
        : "string";
    case "array":
      return `${node.minItems === 1 ? "non-empty " : ""}list of ${
        node.items ? describeType(node.items) : "values"
      }`;
    case "object":
      return "object";
    default:
      return node.type ?? "any";
  }
}

/** A table of an object's fields: name, values, default (or "required"), description. */
function fieldTable(node: SchemaNode, prefix = "", skip: readonly string[] = []): string[] {
  const required = new Set(node.required ?? []);
  const rows = Object.entries(node.properties ?? {})
    .filter(([name]) => !skip.includes(name))
    .map(([name, field]) => {
      const fallback = required.has(name) ? "required" : "optional";
      const shown = field.default !== undefined ? code(field.default) : fallback;
      return `| \`${prefix}${name}\` | ${cell(describeType(field))} | ${cell(shown)} | ${
        cell(field.description ?? field.items?.description ?? "")
      } |`;
    });
  return ["| field | values | default | description |", "| --- | --- | --- | --- |", ...rows];
}

/** The reference as Markdown. Deterministic: the same schema gives the same bytes. */
export function fieldReferenceMarkdown(
  schema: Record<string, unknown> = experimentJsonSchema(),
): string {
  const root = schema as SchemaNode;
  const properties = root.properties ?? {};
  const lines: string[] = [
    "# Experiment file fields",
    "",
    "<!-- Generated from the experiment schema by `deno task schema`; do not edit by hand. -->",
    "",
    "Every field an experiment file may hold, the values it takes and its default, as the " +
    "harness checks them (the same schema as `experiments/schema.json`, which editors use). " +
    "Unknown keys are errors. `--set PATH=VALUE` on `run` and `reproduce` overrides any of " +
    "these by its dotted path.",
    "",
    "## Top level",
    "",
    ...fieldTable(root),
    "",
  ];
  for (const variant of properties.model?.oneOf ?? []) {
    lines.push(
      `## model (kind ${code(variant.properties?.kind?.const)})`,
      "",
      ...fieldTable(variant, "model."),
      "",
    );
  }
  if (properties.training) {
    lines.push("## training", "", ...fieldTable(properties.training, "training."), "");
  }
  const methods = properties.methods?.items?.oneOf ?? [];
  if (methods.length > 0) {
    const keys = methods.map((method) => Object.keys(method.properties ?? {}));
    const common = keys[0].filter((key) => key !== "name" && keys.every((k) => k.includes(key)));
    lines.push(
      "## methods",
      "",
      "Each entry of `methods` names a method (`name`) and sets its parameters. Every method " +
        "takes these:",
      "",
      ...fieldTable(methods[0], "", ["name", ...keys[0].filter((key) => !common.includes(key))]),
      "",
    );
    for (const method of methods) {
      const name = method.properties?.name;
      lines.push(
        `### ${code(name?.const)}`,
        "",
        name?.description ?? "",
        "",
      );
      const own = Object.keys(method.properties ?? {}).filter(
        (key) => key !== "name" && !common.includes(key),
      );
      lines.push(
        ...(own.length === 0
          ? ["No parameters of its own."]
          : fieldTable(method, "", ["name", ...common])),
        "",
      );
    }
  }
  for (const [name, title] of [["grid", "grid"], ["profiles", "profiles"]] as const) {
    const node = properties[name];
    if (node === undefined) continue;
    const entries = name === "grid"
      ? node.properties ?? {}
      : (node.additionalProperties as SchemaNode | undefined)?.properties ?? {};
    lines.push(
      `## ${title}`,
      "",
      node.description ?? "",
      "",
      `Keys ${name === "grid" ? "(each a list of values)" : "of a profile"}: ` +
        Object.keys(entries).map((key) => `\`${key}\``).join(", ") + ".",
      "",
    );
  }
  return `${lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

if (import.meta.main) {
  await Deno.writeTextFile(FIELD_REFERENCE_URL, fieldReferenceMarkdown());
  console.log(`wrote ${decodeURIComponent(FIELD_REFERENCE_URL.pathname)}`);
}
