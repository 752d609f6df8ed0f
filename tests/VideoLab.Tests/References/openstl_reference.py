"""Reference models in OpenSTL's layout, for VideoLab's weight import/export tests (src/VideoLab/Interop).

Written for these tests from a reading of OpenSTL (chengtan9907/OpenSTL, commit c74deb5): the modules below carry
OpenSTL's parameter names (ConvLSTM_Model, PredRNN_Model, SimVP_Model with the gSTA and TAU translators) and its
conventions (reshape_patch's (p, p, C) channel order, channels-last recurrent inputs, the recurrent loop over
pre + aft - 1 steps with a mask, SimVP's chained passes when aft > pre). Only evaluation is modelled: no
losses, no dropout or drop-path (they are identities at test time). Runs on Debian's python3-torch 1.13.

    python3 openstl_reference.py make DIR    random tiny models: state_dicts in several checkpoint layouts,
                                             OpenSTL model arguments (JSON), an input and the expected output
    python3 openstl_reference.py check DIR   loads the files VideoLab exported (DIR/exported-NAME.pth, strict)
                                             into the same modules and writes their outputs (DIR/torch-NAME.npy)
"""
import collections
import json
import os
import struct
import sys
import types

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)


# ---------------------------------------------------------------- OpenSTL's patch layout (openstl/utils/predrnn_utils.py)

def to_patch_cells(frames, p):
    """(B, T, H, W, C) -> (B, T, H/p, W/p, p*p*C); a cell's channels run over (row in patch, column in patch, C)."""
    b, t, h, w, c = frames.shape
    grid = frames.reshape(b, t, h // p, p, w // p, p, c)
    return grid.transpose(3, 4).reshape(b, t, h // p, w // p, p * p * c)


def from_patch_cells(cells, p):
    """The inverse: (B, T, H/p, W/p, p*p*C) -> (B, T, H, W, C)."""
    b, t, hp, wp, cpp = cells.shape
    c = cpp // (p * p)
    grid = cells.reshape(b, t, hp, wp, p, p, c)
    return grid.transpose(3, 4).reshape(b, t, hp * p, wp * p, c)


# ---------------------------------------------------------------- recurrent cells and models

class ConvLSTMCell(nn.Module):
    """OpenSTL's ConvLSTMCell without layer norm: conv_x, conv_h without bias; conv_o and conv_last exist but forward
    never calls them; no forget bias in forward (its _forget_bias attribute is unused)."""

    def __init__(self, cin, n, k):
        super().__init__()
        self.n = n
        self.conv_x = nn.Sequential(nn.Conv2d(cin, 4 * n, k, padding=k // 2, bias=False))
        self.conv_h = nn.Sequential(nn.Conv2d(n, 4 * n, k, padding=k // 2, bias=False))
        self.conv_o = nn.Sequential(nn.Conv2d(2 * n, n, k, padding=k // 2, bias=False))
        self.conv_last = nn.Conv2d(2 * n, n, 1, bias=False)

    def forward(self, x, h, c):
        xi, xf, xg, xo = torch.split(self.conv_x(x), self.n, dim=1)
        hi, hf, hg, ho = torch.split(self.conv_h(h), self.n, dim=1)
        c_new = torch.sigmoid(xf + hf) * c + torch.sigmoid(xi + hi) * torch.tanh(xg + hg)
        h_new = torch.sigmoid(xo + ho) * torch.tanh(c_new)
        return h_new, c_new


class SpatioTemporalLSTMCell(nn.Module):
    """OpenSTL's PredRNN cell without layer norm: conv_x (7 gates), conv_h (4), conv_m (3), conv_o over [c', m'],
    conv_last (1x1) over [c', m']; forget bias 1."""

    def __init__(self, cin, n, k):
        super().__init__()
        self.n = n
        self.conv_x = nn.Sequential(nn.Conv2d(cin, 7 * n, k, padding=k // 2, bias=False))
        self.conv_h = nn.Sequential(nn.Conv2d(n, 4 * n, k, padding=k // 2, bias=False))
        self.conv_m = nn.Sequential(nn.Conv2d(n, 3 * n, k, padding=k // 2, bias=False))
        self.conv_o = nn.Sequential(nn.Conv2d(2 * n, n, k, padding=k // 2, bias=False))
        self.conv_last = nn.Conv2d(2 * n, n, 1, bias=False)

    def forward(self, x, h, c, m):
        xi, xf, xg, xi2, xf2, xg2, xo = torch.split(self.conv_x(x), self.n, dim=1)
        hi, hf, hg, ho = torch.split(self.conv_h(h), self.n, dim=1)
        mi, mf, mg = torch.split(self.conv_m(m), self.n, dim=1)
        c_new = torch.sigmoid(xf + hf + 1.0) * c + torch.sigmoid(xi + hi) * torch.tanh(xg + hg)
        m_new = torch.sigmoid(xf2 + mf + 1.0) * m + torch.sigmoid(xi2 + mi) * torch.tanh(xg2 + mg)
        both = torch.cat((c_new, m_new), 1)
        o = torch.sigmoid(xo + ho + self.conv_o(both))
        return o * torch.tanh(self.conv_last(both)), c_new, m_new


class RecurrentModel(nn.Module):
    """ConvLSTM_Model / PredRNN_Model: cell_list and conv_last; forward takes patched channels-last frames
    (B, T, H/p, W/p, p*p*C) and a mask, and returns the T - 1 next-frame predictions in the same layout."""

    def __init__(self, args, spatiotemporal):
        super().__init__()
        t, c, h, w = args["in_shape"]
        self.pre, self.aft, self.p = args["pre_seq_length"], args["aft_seq_length"], args["patch_size"]
        self.hidden = [int(n) for n in args["num_hidden"].split(",")]
        self.spatiotemporal = spatiotemporal
        frame_channels = self.p * self.p * c
        cell = SpatioTemporalLSTMCell if spatiotemporal else ConvLSTMCell
        self.cell_list = nn.ModuleList(
            [cell(frame_channels if i == 0 else self.hidden[i - 1], n, args["filter_size"]) for i, n in enumerate(self.hidden)])
        self.conv_last = nn.Conv2d(self.hidden[-1], frame_channels, 1, bias=False)

    def forward(self, cells, mask):
        frames = cells.permute(0, 1, 4, 2, 3).contiguous()  # (B, T, C', H', W')
        mask = mask.permute(0, 1, 4, 2, 3).contiguous()
        b, hp, wp = frames.shape[0], frames.shape[3], frames.shape[4]
        h = [torch.zeros(b, n, hp, wp) for n in self.hidden]
        c = [torch.zeros(b, n, hp, wp) for n in self.hidden]
        m = torch.zeros(b, self.hidden[0], hp, wp)
        outputs, x_gen = [], None
        for t in range(self.pre + self.aft - 1):
            net = frames[:, t] if t < self.pre else mask[:, t - self.pre] * frames[:, t] + (1 - mask[:, t - self.pre]) * x_gen
            for i, cell in enumerate(self.cell_list):
                below = net if i == 0 else h[i - 1]
                if self.spatiotemporal:
                    h[i], c[i], m = cell(below, h[i], c[i], m)
                else:
                    h[i], c[i] = cell(below, h[i], c[i])
            x_gen = self.conv_last(h[-1])
            outputs.append(x_gen)
        return torch.stack(outputs, 0).permute(1, 0, 3, 4, 2).contiguous()  # (B, T-1, H', W', C')

    def predict(self, batch_x, batch_y):
        """What OpenSTL's PredRNN/ConvLSTM method does at test time (mask of zeros: the model's own frames)."""
        clips = torch.cat([batch_x, batch_y], 1).permute(0, 1, 3, 4, 2).contiguous()  # (B, T, H, W, C)
        cells = to_patch_cells(clips, self.p)
        mask = torch.zeros(cells.shape[0], self.aft - 1, *cells.shape[2:])
        generated = from_patch_cells(self(cells, mask), self.p)  # (B, T-1, H, W, C)
        return generated[:, -self.aft:].permute(0, 1, 4, 2, 3).contiguous()


# ---------------------------------------------------------------- SimVP (gSTA, TAU)

class BasicConv2d(nn.Module):
    def __init__(self, cin, cout, k, stride, padding, upsampling):
        super().__init__()
        if upsampling:
            self.conv = nn.Sequential(nn.Conv2d(cin, 4 * cout, k, 1, padding), nn.PixelShuffle(2))
        else:
            self.conv = nn.Conv2d(cin, cout, k, stride, padding)
        self.norm = nn.GroupNorm(2, cout)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))


class ConvSC(nn.Module):
    def __init__(self, cin, cout, k, downsampling=False, upsampling=False):
        super().__init__()
        stride = 2 if downsampling else 1
        self.conv = BasicConv2d(cin, cout, k, stride, (k - stride + 1) // 2, upsampling)

    def forward(self, x):
        return self.conv(x)


def samplings(n, reverse=False):
    s = ([False, True] * (n // 2))[:n]
    return list(reversed(s)) if reverse else s


class Encoder(nn.Module):
    def __init__(self, cin, hid, n, k):
        super().__init__()
        s = samplings(n)
        self.enc = nn.Sequential(*[ConvSC(cin if i == 0 else hid, hid, k, downsampling=d) for i, d in enumerate(s)])

    def forward(self, x):
        first = self.enc[0](x)
        z = first
        for layer in self.enc[1:]:
            z = layer(z)
        return z, first


class Decoder(nn.Module):
    def __init__(self, hid, cout, n, k):
        super().__init__()
        self.dec = nn.Sequential(*[ConvSC(hid, hid, k, upsampling=u) for u in samplings(n, reverse=True)])
        self.readout = nn.Conv2d(hid, cout, 1)

    def forward(self, z, skip):
        for layer in self.dec[:-1]:
            z = layer(z)
        return self.readout(self.dec[-1](z + skip))


class LargeKernelGate(nn.Module):
    """AttentionModule (gSTA) or TemporalAttentionModule (TAU)."""

    def __init__(self, dim, tau, kernel=21, dilation=3):
        super().__init__()
        dk = 2 * dilation - 1
        ddk = kernel // dilation + ((kernel // dilation) % 2 - 1)
        self.tau = tau
        self.conv0 = nn.Conv2d(dim, dim, dk, padding=(dk - 1) // 2, groups=dim)
        self.conv_spatial = nn.Conv2d(dim, dim, ddk, padding=dilation * (ddk - 1) // 2, groups=dim, dilation=dilation)
        self.conv1 = nn.Conv2d(dim, dim if tau else 2 * dim, 1)
        if tau:
            r = max(dim // 16, 4)
            self.fc = nn.Sequential(nn.Linear(dim, dim // r, bias=False), nn.ReLU(True),
                                    nn.Linear(dim // r, dim, bias=False), nn.Sigmoid())

    def forward(self, x):
        f = self.conv1(self.conv_spatial(self.conv0(x)))
        if self.tau:
            weights = self.fc(x.mean(dim=(2, 3))).view(x.shape[0], x.shape[1], 1, 1)
            return weights * f * x
        fx, gx = torch.split(f, f.shape[1] // 2, dim=1)
        return torch.sigmoid(gx) * fx


class Attention(nn.Module):
    """SpatialAttention / TemporalAttention with attn_shortcut."""

    def __init__(self, dim, tau):
        super().__init__()
        self.proj_1 = nn.Conv2d(dim, dim, 1)
        self.activation = nn.GELU()
        self.spatial_gating_unit = LargeKernelGate(dim, tau)
        self.proj_2 = nn.Conv2d(dim, dim, 1)

    def forward(self, x):
        return self.proj_2(self.spatial_gating_unit(self.activation(self.proj_1(x)))) + x


class DWConv(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 3, 1, 1, groups=dim)

    def forward(self, x):
        return self.dwconv(x)


class MixMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Conv2d(dim, hidden, 1)
        self.dwconv = DWConv(hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Conv2d(hidden, dim, 1)

    def forward(self, x):
        return self.fc2(self.act(self.dwconv(self.fc1(x))))


class SubBlock(nn.Module):
    """GASubBlock / TAUSubBlock."""

    def __init__(self, dim, mlp_ratio, tau):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(dim)
        self.attn = Attention(dim, tau)
        self.norm2 = nn.BatchNorm2d(dim)
        self.mlp = MixMlp(dim, int(dim * mlp_ratio))
        self.layer_scale_1 = nn.Parameter(1e-2 * torch.ones(dim))
        self.layer_scale_2 = nn.Parameter(1e-2 * torch.ones(dim))

    def forward(self, x):
        x = x + self.layer_scale_1.unsqueeze(-1).unsqueeze(-1) * self.attn(self.norm1(x))
        return x + self.layer_scale_2.unsqueeze(-1).unsqueeze(-1) * self.mlp(self.norm2(x))


class MetaBlock(nn.Module):
    def __init__(self, cin, cout, mlp_ratio, tau):
        super().__init__()
        self.block = SubBlock(cin, mlp_ratio, tau)
        if cin != cout:
            self.reduction = nn.Conv2d(cin, cout, 1)

    def forward(self, x):
        z = self.block(x)
        return self.reduction(z) if hasattr(self, "reduction") else z


class MidMetaNet(nn.Module):
    def __init__(self, cin, hid, n, mlp_ratio, tau):
        super().__init__()
        widths = [cin] + [hid] * (n - 1) + [cin]
        self.enc = nn.Sequential(*[MetaBlock(widths[i], widths[i + 1], mlp_ratio, tau) for i in range(n)])

    def forward(self, x):
        b, t, c, h, w = x.shape
        return self.enc(x.reshape(b, t * c, h, w)).reshape(b, t, c, h, w)


class SimVPModel(nn.Module):
    """SimVP_Model with MidMetaNet: enc, hid, dec."""

    def __init__(self, args):
        super().__init__()
        t, c, h, w = args["in_shape"]
        tau = args["model_type"].lower() == "tau"
        k_enc, k_dec = args.get("spatio_kernel_enc", 3), args.get("spatio_kernel_dec", 3)
        self.enc = Encoder(c, args["hid_S"], args["N_S"], k_enc)
        self.dec = Decoder(args["hid_S"], c, args["N_S"], k_dec)
        self.hid = MidMetaNet(t * args["hid_S"], args["hid_T"], args["N_T"], args.get("mlp_ratio", 8.0), tau)
        self.pre, self.aft = args["pre_seq_length"], args["aft_seq_length"]

    def forward(self, x):
        b, t, c, h, w = x.shape
        z, skip = self.enc(x.view(b * t, c, h, w))
        _, c2, h2, w2 = z.shape
        z = self.hid(z.view(b, t, c2, h2, w2)).reshape(b * t, c2, h2, w2)
        return self.dec(z, skip).reshape(b, t, c, h, w)

    def predict(self, batch_x, batch_y=None):
        """OpenSTL's SimVP method at test time: one pass, its first aft frames, or chained passes when aft > pre."""
        if self.aft <= self.pre:
            return self(batch_x)[:, :self.aft]
        outputs, current = [], batch_x
        for _ in range(self.aft // self.pre):
            current = self(current)
            outputs.append(current)
        if self.aft % self.pre:
            outputs.append(self(current)[:, :self.aft % self.pre])
        return torch.cat(outputs, 1)


# ---------------------------------------------------------------- the tiny configurations (OpenSTL's model arguments)

ARGS = {
    "convlstm": dict(method="ConvLSTM", in_shape=[3, 2, 8, 8], pre_seq_length=3, aft_seq_length=4, total_length=7,
                     num_hidden="6,6", filter_size=3, stride=1, patch_size=2, layer_norm=0),
    "predrnn": dict(method="PredRNN", in_shape=[3, 2, 8, 8], pre_seq_length=3, aft_seq_length=4, total_length=7,
                    num_hidden="5,5,5", filter_size=3, stride=1, patch_size=2, layer_norm=0),
    "simvp": dict(method="SimVP", in_shape=[2, 3, 8, 8], pre_seq_length=2, aft_seq_length=5, total_length=7,
                  hid_S=4, hid_T=12, N_S=2, N_T=3, model_type="gSTA", mlp_ratio=2.0, drop=0.0, drop_path=0.0,
                  spatio_kernel_enc=3, spatio_kernel_dec=3),
    "tau": dict(method="TAU", in_shape=[3, 1, 8, 8], pre_seq_length=3, aft_seq_length=2, total_length=5,
                hid_S=8, hid_T=16, N_S=4, N_T=2, model_type="tau", mlp_ratio=4.0, drop=0.0, drop_path=0.0,
                spatio_kernel_enc=3, spatio_kernel_dec=3, alpha=0.1),
}


def build(name):
    args = ARGS[name]
    if name in ("convlstm", "predrnn"):
        return RecurrentModel(args, spatiotemporal=name == "predrnn")
    return SimVPModel(args)


def randomise(model, generator):
    """Random values everywhere a trained model has them: biases, norm weights, layer scales, batch-norm statistics."""
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                tensor.fill_(17)
            elif name.endswith("running_var") or "norm" in name and name.endswith("weight"):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) + 0.5)
            elif "layer_scale" in name:
                tensor.copy_(torch.rand(tensor.shape, generator=generator) * 0.8 + 0.2)
            elif name.endswith("running_mean") or name.endswith("bias"):
                tensor.copy_(torch.randn(tensor.shape, generator=generator) * 0.1)
            else:
                fan_in = max(1, tensor[0].numel())
                tensor.copy_(torch.randn(tensor.shape, generator=generator) / fan_in ** 0.5)
    return model.eval()


def clips(args, generator):
    t, c, h, w = args["in_shape"]
    x = torch.rand(2, args["pre_seq_length"], c, h, w, generator=generator)
    y = torch.rand(2, args["aft_seq_length"], c, h, w, generator=generator)
    return x, y


# ---------------------------------------------------------------- checkpoint layouts

def lightning_checkpoint(model, args):
    """The layout OpenSTL's Lightning trainer saves (best.ckpt): the method's state_dict, whose model is `model.`."""
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    loss = sum((p * p).sum() for p in model.parameters())
    loss.backward()
    optimiser.step()  # Adam moments, as in a real checkpoint; then the weights the expected output came from
    model.zero_grad()
    model.load_state_dict(saved)
    model.eval()
    attribute_dict = types.ModuleType("pytorch_lightning.utilities.parsing")
    sys.modules["pytorch_lightning"] = types.ModuleType("pytorch_lightning")
    sys.modules["pytorch_lightning.utilities"] = types.ModuleType("pytorch_lightning.utilities")
    sys.modules["pytorch_lightning.utilities.parsing"] = attribute_dict

    class AttributeDict(dict):
        pass

    AttributeDict.__module__, AttributeDict.__qualname__ = "pytorch_lightning.utilities.parsing", "AttributeDict"
    attribute_dict.AttributeDict = AttributeDict
    return {
        "epoch": 199, "global_step": 200000, "pytorch-lightning_version": "2.0.2",
        "state_dict": collections.OrderedDict(("model." + k, v) for k, v in model.state_dict().items()),
        "loops": {"fit_loop": {"state_dict": {}, "epoch_progress": {"total": {"ready": 200}}}},
        "callbacks": {"ModelCheckpoint{'monitor': 'val_loss'}": {"best_model_score": torch.tensor(0.0213),
                                                                   "best_model_path": "work_dirs/x/checkpoints/best.ckpt"}},
        "optimizer_states": [optimiser.state_dict()],
        "lr_schedulers": [{"base_lrs": [1e-3], "last_epoch": 3, "_step_count": 4}],
        "hyper_parameters": AttributeDict(args, lr=1e-3, metrics=["mse", "mae"], device="cuda", dataname="mmnist"),
    }


def write_safetensors(path, tensors, metadata):
    """The safetensors format as its specification describes it (no library on Debian 12): an 8-byte little-endian
    header length, a JSON header (dtype, shape, data_offsets per tensor, plus __metadata__), the raw bytes."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in tensors.items():
        data = tensor.contiguous().numpy().tobytes()
        header[name] = {"dtype": names[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """Reads what write_safetensors describes (and what VideoLab writes); returns (tensors, metadata)."""
    kinds = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32, "U8": np.uint8}
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    tensors = collections.OrderedDict()
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        values = np.frombuffer(raw[8 + n + start:8 + n + end], dtype=kinds[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(values.copy())
    return tensors, metadata


# ---------------------------------------------------------------- the two modes

def make(folder):
    os.makedirs(folder, exist_ok=True)
    generator = torch.Generator().manual_seed(20261201)
    for name in ARGS:
        model = randomise(build(name), generator)
        x, y = clips(ARGS[name], generator)
        with torch.no_grad():
            expected = model.predict(x, y)
        np.save(os.path.join(folder, f"{name}-input.npy"), x.numpy())
        np.save(os.path.join(folder, f"{name}-expected.npy"), expected.numpy())
        with open(os.path.join(folder, f"{name}-args.json"), "w") as f:
            json.dump(ARGS[name], f)
        state = model.state_dict()
        torch.save(state, os.path.join(folder, f"{name}.pth"))
        if name == "predrnn":
            torch.save(lightning_checkpoint(model, ARGS[name]), os.path.join(folder, f"{name}-lightning.ckpt"))
        if name == "simvp":
            # The pre-Lightning trainer's checkpoint: {'epoch', 'optimizer', 'state_dict' (no prefix), 'scheduler'}.
            torch.save({"epoch": 50, "optimizer": {"state": {}, "param_groups": [{"lr": 1e-3, "params": [0, 1]}]},
                        "state_dict": state, "scheduler": None}, os.path.join(folder, f"{name}-trainer.pth"))
            for kind, dtype in (("fp16", torch.float16), ("bf16", torch.bfloat16)):
                low = collections.OrderedDict((k, v.to(dtype) if v.is_floating_point() else v) for k, v in state.items())
                torch.save(low, os.path.join(folder, f"{name}-{kind}.pth"))
                rounded = build(name)
                rounded.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in low.items()})
                with torch.no_grad():
                    np.save(os.path.join(folder, f"{name}-{kind}-expected.npy"), rounded.eval().predict(x, y).numpy())
            torch.save(state, os.path.join(folder, f"{name}-legacy.pth"), _use_new_zipfile_serialization=False)
        if name == "tau":
            write_safetensors(os.path.join(folder, f"{name}.safetensors"), state, {"format": "pt"})
    # Files that are not state_dicts.
    torch.save([torch.zeros(2), torch.ones(3)], os.path.join(folder, "list.pth"))
    torch.save({"epoch": 3, "lr": 0.1}, os.path.join(folder, "no-tensors.pth"))
    torch.save(build("convlstm"), os.path.join(folder, "whole-module.pth"))
    # VideoGPT's VQ-VAE names (videogpt/vqvae.py, tiny): VideoLab refuses them, so only names and shapes matter.
    torch.save(videogpt_state(), os.path.join(folder, "videogpt-vqvae.pth"))


def videogpt_state():
    """The parameter names and shapes of VideoGPT's VQVAE(n_hiddens=8, n_res_layers=1, downsample=(2, 2, 2),
    embedding_dim=4, n_codes=16): SamePadConv3d wrappers (.conv), AttentionResidualBlock with an AxialBlock
    (attn_w/attn_h/attn_t: w_qs, w_ks, w_vs, fc), codebook buffers embeddings, N, z_avg."""
    n, d, k = 8, 4, 16
    s = collections.OrderedDict()
    s["encoder.convs.0.conv.weight"], s["encoder.convs.0.conv.bias"] = torch.randn(n, 3, 4, 4, 4), torch.zeros(n)
    s["encoder.conv_last.conv.weight"], s["encoder.conv_last.conv.bias"] = torch.randn(n, n, 3, 3, 3), torch.zeros(n)
    for part in ("encoder", "decoder"):
        block = f"{part}.res_stack.0.block"
        for i, ch in ((0, n), (3, n // 2), (6, n)):
            for b in ("weight", "bias", "running_mean", "running_var"):
                s[f"{block}.{i}.{b}"] = torch.ones(ch)
            s[f"{block}.{i}.num_batches_tracked"] = torch.tensor(0)
        s[f"{block}.2.conv.weight"] = torch.randn(n // 2, n, 3, 3, 3)
        s[f"{block}.5.conv.weight"] = torch.randn(n, n // 2, 1, 1, 1)
        for axis in ("w", "h", "t"):
            for w in ("w_qs", "w_ks", "w_vs", "fc"):
                s[f"{block}.8.attn_{axis}.{w}.weight"] = torch.randn(n, n)
            s[f"{block}.8.attn_{axis}.fc.bias"] = torch.zeros(n)
        for b in ("weight", "bias", "running_mean", "running_var"):
            s[f"{part}.res_stack.1.{b}"] = torch.ones(n)
        s[f"{part}.res_stack.1.num_batches_tracked"] = torch.tensor(0)
    s["decoder.convts.0.convt.weight"], s["decoder.convts.0.convt.bias"] = torch.randn(n, 3, 4, 4, 4), torch.zeros(3)
    s["pre_vq_conv.conv.weight"], s["pre_vq_conv.conv.bias"] = torch.randn(d, n, 1, 1, 1), torch.zeros(d)
    s["post_vq_conv.conv.weight"], s["post_vq_conv.conv.bias"] = torch.randn(n, d, 1, 1, 1), torch.zeros(n)
    s["codebook.embeddings"], s["codebook.N"], s["codebook.z_avg"] = torch.randn(k, d), torch.ones(k), torch.randn(k, d)
    return s


def check(folder):
    """Loads VideoLab's exports into the reference modules (strict: every OpenSTL name present, nothing extra)."""
    for name in ARGS:
        for kind, load in (("pth", torch.load), ("safetensors", lambda p: read_safetensors(p)[0])):
            path = os.path.join(folder, f"exported-{name}.{kind}")
            if not os.path.exists(path):
                continue
            model = build(name)
            model.load_state_dict(load(path), strict=True)
            x = torch.from_numpy(np.load(os.path.join(folder, f"{name}-input.npy")))
            t, c, h, w = ARGS[name]["in_shape"]
            y = torch.zeros(x.shape[0], ARGS[name]["aft_seq_length"], c, h, w)
            with torch.no_grad():
                np.save(os.path.join(folder, f"torch-{name}-{kind}.npy"), model.eval().predict(x, y).numpy())
            if kind == "safetensors":
                with open(os.path.join(folder, f"torch-{name}-metadata.json"), "w") as f:
                    json.dump(read_safetensors(path)[1], f)
    print("checked")


if __name__ == "__main__":
    {"make": make, "check": check}[sys.argv[1]](sys.argv[2])
