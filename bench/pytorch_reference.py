"""PyTorch reference for `deno task bench`: the same epochs, measured the same way.

One epoch of LeNet-300-100 (784-300-100-10, ReLU, cross-entropy) and of the
784-256-64-256-784 autoencoder (ReLU inside, sigmoid output, mean squared
error) on the 60,000 Fashion-MNIST training images, batch 64, Adam at 1e-3,
shuffled, data already in memory as float32 in [0, 1]; prints one JSON line
per model with seconds per epoch.

Not part of the harness (nothing imports it); run it where Debian's
python3-torch is installed:
    OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_reference.py [--model mlp|autoencoder] [--limit N]
`deno task bench --pytorch` runs it beside each of its own measurements.
"""
import argparse
import gzip
import json
import os
import time

import numpy
import torch

DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read_idx(name, offset):
    with gzip.open(os.path.join(DATA, name), "rb") as handle:
        return numpy.frombuffer(handle.read(), dtype=numpy.uint8, offset=offset)


def epoch(model, loss_function, inputs, targets):
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    order = torch.randperm(inputs.shape[0], generator=torch.Generator().manual_seed(1))
    started = time.perf_counter()
    for start in range(0, inputs.shape[0], 64):
        batch = order[start:start + 64]
        optimiser.zero_grad()
        loss = loss_function(model(inputs[batch]), targets[batch])
        loss.backward()
        optimiser.step()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["mlp", "autoencoder", "all"], default="all")
    parser.add_argument("--limit", type=int, default=0, help="train on the first N images only")
    arguments = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.manual_seed(1)
    images = torch.from_numpy(
        read_idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(numpy.float32) / 255)
    labels = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz", 8).astype(numpy.int64))
    if arguments.limit > 0:
        images = images[:arguments.limit]
        labels = labels[:arguments.limit]
    nn = torch.nn
    classifier = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                               nn.Linear(100, 10))
    autoencoder = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU(),
                                nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())
    for kind, name, model, loss_function, targets in [
        ("mlp", "mlp 784-300-100-10", classifier, nn.CrossEntropyLoss(), labels),
        ("autoencoder", "autoencoder 784-256-64-256-784", autoencoder, nn.MSELoss(), images),
    ]:
        if arguments.model not in ("all", kind):
            continue
        seconds = epoch(model, loss_function, images, targets)
        print(json.dumps({
            "model": name,
            "framework": f"pytorch {torch.__version__}",
            "threads": torch.get_num_threads(),
            "samples": images.shape[0],
            "secondsPerEpoch": round(seconds, 3),
            "samplesPerSecond": round(images.shape[0] / seconds),
        }), flush=True)


if __name__ == "__main__":
    main()
