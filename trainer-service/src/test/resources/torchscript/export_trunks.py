"""Exports the TorchScript trunks the trainer tests load (run once; the tests never need Python):

    /usr/bin/python3 export_trunks.py      # Debian's python3-torch (1.13)

- conv_trunk.pt: a small convolutional trunk for one-channel 12x12 images, 16 output features;
  conv_trunk_expected.json: its output for a fixed input, computed here by PyTorch (the tests compare DJL's forward
  pass with it).
- fashion_trunk.pt: a LeNet-like trunk for one-channel 36x36 images (MultiFashion's canvas), 32 output features,
  written as a team would write its own network (submodules "features" and "head").
- no_parameters_trunk.pt: a trunk without trainable parameters (the trainer must refuse it).
"""
import json

import torch
from torch import nn


class ConvTrunk(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, kernel_size=3)
        self.fc = nn.Linear(4 * 5 * 5, 16)

    def forward(self, x):
        x = torch.relu(self.conv(x))
        x = torch.max_pool2d(x, 2)
        return torch.relu(self.fc(torch.flatten(x, 1)))


class FashionTrunk(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(16 * 7 * 7, 32), nn.ReLU())

    def forward(self, x):
        return self.head(self.features(x))


class NoParameters(nn.Module):
    def forward(self, x):
        return torch.relu(torch.flatten(x, 1))


def fixed_input():
    # two samples, values that exercise both signs of the ReLU
    return torch.sin(torch.arange(2 * 144, dtype=torch.float32) * 0.37).reshape(2, 1, 12, 12)


if __name__ == "__main__":
    torch.manual_seed(0)
    trunk = ConvTrunk().eval()
    torch.jit.script(trunk).save("conv_trunk.pt")
    with torch.no_grad():
        out = trunk(fixed_input())
    with open("conv_trunk_expected.json", "w") as f:
        json.dump({"input": fixed_input().flatten().tolist(), "output": out.flatten().tolist(),
                   "outputWidth": 16, "parameters": [n for n, _ in trunk.named_parameters()]}, f)
    torch.jit.script(FashionTrunk()).save("fashion_trunk.pt")
    torch.jit.script(NoParameters()).save("no_parameters_trunk.pt")
