"""PyTorch mirrors of VideoLab's predictors, layer for layer, for the benchmark peer.

Each class copies the C# source it names (same convolutions, same bias choices, same gate order, same
patching and rollout), so parameter counts match exactly; bench/driver.py asserts that they do.
Written against PyTorch 1.13 (Debian's python3-torch) and 2.x (the GPU machine).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def split_patches(video, p):
    """(B, T, C, H, W) -> (B, T, C*p*p, H/p, W/p), as src/VideoLab/Modules/Patches.cs (pixel_unshuffle)."""
    if p == 1:
        return video
    b, t = video.shape[:2]
    cells = F.pixel_unshuffle(video.flatten(0, 1), p)  # (B*T, C*p*p, H/p, W/p)
    return cells.unflatten(0, (b, t))


def merge_patches(cells, p):
    """(B, T, C*p*p, H/p, W/p) -> (B, T, C, H, W), the inverse (pixel_shuffle)."""
    if p == 1:
        return cells
    b, t = cells.shape[:2]
    return F.pixel_shuffle(cells.flatten(0, 1), p).unflatten(0, (b, t))


def rollout(context, horizon, step, with_context=False):
    """Modules/Rollout.cs without teacher forcing: read the context, then feed each prediction back. With
    with_context, the outputs made while reading the context too (every next-frame output, Tc - 1 + horizon)."""
    prediction = None
    outputs = []
    for t in range(context.shape[1]):
        prediction = step(context[:, t])
        if with_context or t == context.shape[1] - 1:
            outputs.append(prediction)
    for _ in range(1, horizon):
        prediction = step(prediction)
        outputs.append(prediction)
    return torch.stack(outputs, 1)  # (B, horizon or Tc - 1 + horizon, C', H', W')


class ConvLstmCell(nn.Module):
    """Modules/ConvLstmCell.cs: x -> [i,f,g,o] (bias), h -> [i,f,g,o] (no bias), forget bias +1."""

    def __init__(self, cin, n, k, forget_bias=1.0):
        super().__init__()
        self.n, self.forget_bias = n, forget_bias
        self.input_gates = nn.Conv2d(cin, 4 * n, k, padding=k // 2)
        self.hidden_gates = nn.Conv2d(n, 4 * n, k, padding=k // 2, bias=False)

    def forward(self, x, state):
        if state is None:
            z = x.new_zeros(x.shape[0], self.n, x.shape[2], x.shape[3])
            state = (z, z)
        h, c = state
        i, f, g, o = (self.input_gates(x) + self.hidden_gates(h)).chunk(4, 1)
        c_next = torch.sigmoid(f + self.forget_bias) * c + torch.sigmoid(i) * torch.tanh(g)
        h_next = torch.sigmoid(o) * torch.tanh(c_next)
        return h_next, c_next


class ConvGruCell(nn.Module):
    """Modules/ConvGruCell.cs: x -> [z,r,cand] (bias), h -> [z,r], (r*h) -> cand (no bias)."""

    def __init__(self, cin, n, k):
        super().__init__()
        self.n = n
        self.input_gates = nn.Conv2d(cin, 3 * n, k, padding=k // 2)
        self.hidden_gates = nn.Conv2d(n, 2 * n, k, padding=k // 2, bias=False)
        self.hidden_candidate = nn.Conv2d(n, n, k, padding=k // 2, bias=False)

    def forward(self, x, h):
        if h is None:
            h = x.new_zeros(x.shape[0], self.n, x.shape[2], x.shape[3])
        xz, xr, xc = self.input_gates(x).chunk(3, 1)
        hz, hr = self.hidden_gates(h).chunk(2, 1)
        z = torch.sigmoid(xz + hz)
        r = torch.sigmoid(xr + hr)
        cand = torch.tanh(xc + self.hidden_candidate(r * h))
        return (1 - z) * h + z * cand


class SpatioTemporalLstmCell(nn.Module):
    """Modules/SpatioTemporalLstmCell.cs (PredRNN's ST-LSTM, no layer norm)."""

    def __init__(self, cin, n, k):
        super().__init__()
        self.n = n
        self.input_gates = nn.Conv2d(cin, 7 * n, k, padding=k // 2)
        self.hidden_gates = nn.Conv2d(n, 4 * n, k, padding=k // 2, bias=False)
        self.memory_gates = nn.Conv2d(n, 3 * n, k, padding=k // 2, bias=False)
        self.output_gate = nn.Conv2d(2 * n, n, k, padding=k // 2, bias=False)
        self.fuse = nn.Conv2d(2 * n, n, 1, bias=False)

    def forward(self, x, state, m):
        zero = lambda: x.new_zeros(x.shape[0], self.n, x.shape[2], x.shape[3])
        h, c = state if state is not None else (zero(), zero())
        if m is None:
            m = zero()
        gx = self.input_gates(x).chunk(7, 1)
        gh = self.hidden_gates(h).chunk(4, 1)
        gm = self.memory_gates(m).chunk(3, 1)
        c_next = torch.sigmoid(gx[1] + gh[1] + 1.0) * c + torch.sigmoid(gx[0] + gh[0]) * torch.tanh(gx[2] + gh[2])
        m_next = torch.sigmoid(gx[4] + gm[1] + 1.0) * m + torch.sigmoid(gx[3] + gm[0]) * torch.tanh(gx[5] + gm[2])
        both = torch.cat([c_next, m_next], 1)
        o = torch.sigmoid(gx[6] + gh[3] + self.output_gate(both))
        h_next = o * torch.tanh(self.fuse(both))
        return h_next, c_next, m_next


class RecurrentPredictor(nn.Module):
    """Models/ConvLstm.cs, ConvGru.cs, PredRnn.cs: patches -> stacked cells -> 1x1 readout, rollout."""

    def __init__(self, kind, channels=1, layers=4, hidden=128, kernel=5, patch=4, horizon=10):
        super().__init__()
        self.kind, self.patch, self.horizon = kind, patch, horizon
        cell = {"convlstm": ConvLstmCell, "convgru": ConvGruCell, "predrnn": SpatioTemporalLstmCell}[kind]
        cp = channels * patch * patch
        self.cells = nn.ModuleList(cell(cp if i == 0 else hidden, hidden, kernel) for i in range(layers))
        self.readout = nn.Conv2d(hidden, cp, 1, bias=False)

    def forward(self, context, with_context=False):
        frames = split_patches(context, self.patch)  # (B, Tc, C*p*p, H/p, W/p)
        states = [None] * len(self.cells)
        memory = [None]

        def step(frame):
            x = frame
            for i, cell in enumerate(self.cells):
                if self.kind == "convlstm":
                    states[i] = cell(x, states[i])
                    x = states[i][0]
                elif self.kind == "convgru":
                    states[i] = x = cell(x, states[i])
                else:
                    h, c, memory[0] = cell(x, states[i], memory[0])
                    states[i] = (h, c)
                    x = h
            return self.readout(x)

        return merge_patches(rollout(frames, self.horizon, step, with_context), self.patch)  # (B, [Tc - 1 +] horizon, C, H, W)


class ResBlock3d(nn.Module):
    """Modules/ResBlock3d.cs: x + Conv1(ReLU(BN(Conv3(ReLU(BN(x)))))), inner width C/2, no conv biases."""

    def __init__(self, c):
        super().__init__()
        inner = max(1, c // 2)
        self.norm1, self.conv1 = nn.BatchNorm3d(c), nn.Conv3d(c, inner, 3, padding=1, bias=False)
        self.norm2, self.conv2 = nn.BatchNorm3d(inner), nn.Conv3d(inner, c, 1, bias=False)

    def forward(self, x):
        h = self.conv1(F.relu(self.norm1(x)))
        return x + self.conv2(F.relu(self.norm2(h)))


class VectorQuantizer(nn.Module):
    """Modules/VectorQuantizer.cs: nearest code, straight-through, commitment, EMA codebook, dead-code restarts."""

    def __init__(self, k, d, beta=0.25, decay=0.99, threshold=1.0, eps=1e-5):
        super().__init__()
        self.k, self.d, self.beta, self.decay, self.threshold, self.eps = k, d, beta, decay, threshold, eps
        self.register_buffer("codebook", torch.randn(k, d))
        self.register_buffer("ema_count", torch.ones(k))
        self.register_buffer("ema_sum", self.codebook.clone())
        self.register_buffer("initialised", torch.zeros(1))

    def nearest(self, flat):
        distances = flat.pow(2).sum(1, keepdim=True) - 2 * flat @ self.codebook.t() + self.codebook.pow(2).sum(1).unsqueeze(0)
        return distances.argmin(1)

    def random_rows(self, flat, count):
        order = torch.randperm(flat.shape[0])[:count] if flat.shape[0] >= count else torch.randint(flat.shape[0], (count,))
        return flat[order.to(flat.device)]

    @torch.no_grad()
    def update(self, flat, one_hot):
        self.ema_count.mul_(self.decay).add_(one_hot.sum(0), alpha=1 - self.decay)
        self.ema_sum.mul_(self.decay).add_(one_hot.t() @ flat, alpha=1 - self.decay)
        total = self.ema_count.sum()
        smoothed = (self.ema_count + self.eps) / (total + self.k * self.eps) * total
        self.codebook.copy_(self.ema_sum / smoothed.unsqueeze(1))
        dead = self.ema_count < self.threshold
        if int(dead.sum()) == 0:
            return
        fresh = self.random_rows(flat, self.k)
        self.codebook.copy_(torch.where(dead.unsqueeze(1), fresh, self.codebook))
        self.ema_sum.copy_(torch.where(dead.unsqueeze(1), fresh * self.threshold, self.ema_sum))
        self.ema_count.copy_(torch.where(dead, torch.full_like(self.ema_count, self.threshold), self.ema_count))

    def forward(self, z):
        b, d, t, h, w = z.shape
        flat = z.permute(0, 2, 3, 4, 1).reshape(-1, d)  # (N, D)
        if self.training and float(self.initialised) == 0:
            with torch.no_grad():
                rows = self.random_rows(flat.detach(), self.k)
                self.codebook.copy_(rows); self.ema_sum.copy_(rows); self.ema_count.fill_(1); self.initialised.fill_(1)
        codes = self.nearest(flat.detach())
        chosen = self.codebook.index_select(0, codes)
        one_hot = F.one_hot(codes, self.k).to(flat.dtype)
        if self.training:
            self.update(flat.detach(), one_hot)
        commitment = self.beta * F.mse_loss(flat, chosen)
        straight = flat + (chosen - flat).detach()
        p = one_hot.mean(0)
        perplexity = torch.exp(-(p * (p + 1e-10).log()).sum())
        return straight.view(b, t, h, w, d).permute(0, 4, 1, 2, 3), codes.view(b, t, h, w), commitment, perplexity


class VqVae(nn.Module):
    """Models/VqVae.cs: 3D-conv encoder (stride 2, kernel 4 on downsampled axes), quantiser, mirrored decoder."""

    def __init__(self, channels=1, hidden=128, res_blocks=2, dim=64, codes=512, down=(2, 4, 4)):
        super().__init__()
        st, sh, sw = [f.bit_length() - 1 for f in down]
        steps = max(st, sh, sw)
        stride = lambda i: (2 if i < st else 1, 2 if i < sh else 1, 2 if i < sw else 1)
        kernel = lambda s: tuple(x + 2 for x in s)
        enc = [nn.Conv3d(channels, hidden, 3, padding=1)]
        for i in range(steps):
            enc += [nn.Conv3d(hidden, hidden, kernel(stride(i)), stride=stride(i), padding=1), nn.ReLU()]
        enc += [ResBlock3d(hidden) for _ in range(res_blocks)]
        enc += [nn.BatchNorm3d(hidden), nn.ReLU(), nn.Conv3d(hidden, dim, 1)]
        self.encoder = nn.Sequential(*enc)
        self.quantizer = VectorQuantizer(codes, dim)
        dec = [nn.Conv3d(dim, hidden, 3, padding=1)] + [ResBlock3d(hidden) for _ in range(res_blocks)]
        dec += [nn.BatchNorm3d(hidden), nn.ReLU()]
        for i in reversed(range(steps)):
            dec += [nn.ConvTranspose3d(hidden, hidden, kernel(stride(i)), stride=stride(i), padding=1), nn.ReLU()]
        dec += [nn.Conv3d(hidden, channels, 3, padding=1), nn.Sigmoid()]
        self.decoder = nn.Sequential(*dec)

    def reconstruct(self, clips):
        """(B, T, C, H, W) -> reconstruction (B, T, C, H, W), codes (B, t, h, w), commitment loss."""
        q, codes, commitment, _ = self.quantizer(self.encoder(clips.permute(0, 2, 1, 3, 4) - 0.5))
        return self.decoder(q).permute(0, 2, 1, 3, 4), codes, commitment

    def forward(self, clips):
        """(B, T, C, H, W) -> reconstruction, total loss (reconstruction MSE + commitment)."""
        reconstruction, _, commitment = self.reconstruct(clips)
        return reconstruction, F.mse_loss(reconstruction, clips) + commitment


class ConvNormAct(nn.Module):
    """Modules/ConvNormAct.cs with its defaults (OpenSTL's ConvSC): conv -> GroupNorm(2) -> SiLU; down = stride 2,
    up = conv to 4x channels + pixel shuffle."""

    def __init__(self, cin, cout, k=3, resample="none", groups=2):
        super().__init__()
        stride = 2 if resample == "down" else 1
        self.up = resample == "up"
        self.conv = nn.Conv2d(cin, 4 * cout if self.up else cout, k, stride=stride, padding=(k - stride + 1) // 2)
        self.norm = nn.GroupNorm(groups, cout)
        self.act = nn.SiLU()

    def forward(self, x):
        y = self.conv(x)
        if self.up:
            y = F.pixel_shuffle(y, 2)
        return self.act(self.norm(y))


class GatedLargeKernelAttention(nn.Module):
    """Modules/GatedSpatiotemporalBlock.cs, LargeKernelAttention (gated): dw 5x5, dw 7x7 dilation 3, 1x1 -> [f, g]."""

    def __init__(self, c, kernel=21, dilation=3):
        super().__init__()
        local = 2 * dilation - 1
        dil = kernel // dilation + ((kernel // dilation) % 2 - 1)
        self.local = nn.Conv2d(c, c, local, padding=local // 2, groups=c)
        self.dilated = nn.Conv2d(c, c, dil, padding=dilation * (dil - 1) // 2, dilation=dilation, groups=c)
        self.mix = nn.Conv2d(c, 2 * c, 1)

    def forward(self, x):
        f, g = self.mix(self.dilated(self.local(x))).chunk(2, 1)
        return torch.sigmoid(g) * f


class GatedSpatiotemporalBlock(nn.Module):
    """Modules/GatedSpatiotemporalBlock.cs (gSTA): BN -> 1x1 -> GELU -> LKA -> 1x1 (+ shortcut), MLP, layer scales 0.01."""

    def __init__(self, c, mlp_ratio):
        super().__init__()
        hidden = int(c * mlp_ratio)
        self.norm1, self.project1, self.attention = nn.BatchNorm2d(c), nn.Conv2d(c, c, 1), GatedLargeKernelAttention(c)
        self.project2, self.norm2 = nn.Conv2d(c, c, 1), nn.BatchNorm2d(c)
        self.expand = nn.Conv2d(c, hidden, 1)
        self.depthwise = nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden)
        self.shrink = nn.Conv2d(hidden, c, 1)
        self.scale1 = nn.Parameter(torch.full((c,), 1e-2))
        self.scale2 = nn.Parameter(torch.full((c,), 1e-2))

    def forward(self, x):
        y = self.norm1(x)
        x = x + self.scale1.view(1, -1, 1, 1) * (self.project2(self.attention(F.gelu(self.project1(y)))) + y)
        mlp = self.shrink(F.gelu(self.depthwise(self.expand(self.norm2(x)))))
        return x + self.scale2.view(1, -1, 1, 1) * mlp


class SimVp(nn.Module):
    """Models/SimVp.cs with the gSTA translator, for T -> T (one pass; the benchmark's 10 -> 10)."""

    def __init__(self, channels=1, frames=10, hid_s=64, hid_t=512, n_s=4, n_t=8, mlp_ratio=8.0):
        super().__init__()
        self.frames = frames
        enc, dec = [], []
        for i in range(n_s):
            resample = i % 2 == 1
            enc.append(ConvNormAct(channels if i == 0 else hid_s, hid_s, 3, "down" if resample else "none"))
            dec.insert(0, ConvNormAct(hid_s, hid_s, 3, "up" if resample else "none"))
        self.encoder, self.decoder = nn.ModuleList(enc), nn.ModuleList(dec)
        self.readout = nn.Conv2d(hid_s, channels, 1)
        widths = [frames * hid_s] + [hid_t] * (n_t - 1) + [frames * hid_s]
        blocks = []
        for i in range(n_t):
            blocks.append(GatedSpatiotemporalBlock(widths[i], mlp_ratio))
            if widths[i] != widths[i + 1]:
                blocks.append(nn.Conv2d(widths[i], widths[i + 1], 1))
        self.translator = nn.ModuleList(blocks)

    def forward(self, frames):
        b, t = frames.shape[:2]
        skip = self.encoder[0](frames.flatten(0, 1))  # (B*T, hid_S, H, W)
        z = skip
        for block in self.encoder[1:]:
            z = block(z)
        hs, h, w = z.shape[1:]
        stacked = z.reshape(b, -1, h, w)  # (B, T*hid_S, h, w)
        for block in self.translator:
            stacked = block(stacked)
        z = stacked.reshape(b * t, hs, h, w)
        for block in self.decoder[:-1]:
            z = block(z)
        return self.readout(self.decoder[-1](z + skip)).unflatten(0, (b, t))


def build(args):
    if args.model in ("convlstm", "convgru", "predrnn"):
        return RecurrentPredictor(args.model, args.channels, args.layers, args.hidden, args.kernel, args.patch, args.horizon)
    if args.model == "simvp":
        return SimVp(args.channels, args.context, args.hidden, getattr(args, "temporal", 512),
                     getattr(args, "spatial_layers", 4), args.layers, getattr(args, "mlp_ratio", 8.0))
    if args.model == "vqvae":
        return VqVae(args.channels, args.hidden, args.layers, getattr(args, "embedding", 64), getattr(args, "codes", 512))
    if args.model == "mocogan":
        # MoCoGanConfig: hidden = generator and discriminator base width, height = image size, context + horizon
        # frames per clip; layers, kernel and patch are unused (see bench/VideoLab.Bench/BenchModels.cs).
        import mocogan
        return mocogan.MoCoGan(args.channels, args.height, args.context + args.horizon, getattr(args, "content_dim", 50),
                               getattr(args, "motion_dim", 10), getattr(args, "noise_dim", 10), args.hidden, args.hidden)
    if args.model == "transformer":
        # layers = blocks (Depth), hidden = token width (Dim), --heads; MLP ratio 4 and 20 time positions as the C#
        # config's defaults. Imported here, not at the top: transformer.py imports this module's patch helpers.
        from transformer import VideoTransformer
        return VideoTransformer(args.channels, args.height, args.width, args.horizon, args.patch, args.hidden, args.layers,
                                getattr(args, "heads", 8))
    raise SystemExit(f"peer: no PyTorch mirror for model '{args.model}'")


def parameters(model):
    return sum(p.numel() for p in model.parameters())


def count_flops(model, context):
    """Multiply-adds of convolution and linear layers in one forward pass (fvcore's convention), per clip."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            k = module.kernel_size[0] * module.kernel_size[1]
            total[0] += output.numel() * (module.in_channels // module.groups) * k
        elif isinstance(module, (nn.Conv3d, nn.ConvTranspose3d)):
            k = module.kernel_size[0] * module.kernel_size[1] * module.kernel_size[2]
            n = inputs[0].numel() // inputs[0].shape[1] if isinstance(module, nn.ConvTranspose3d) else output.numel() // output.shape[1]
            total[0] += n * module.out_channels * (module.in_channels // module.groups) * k
        elif isinstance(module, nn.Linear):
            total[0] += output.numel() * module.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Conv3d, nn.ConvTranspose3d, nn.Linear))]
    with torch.no_grad():
        model(context)
    for h in handles:
        h.remove()
    return total[0] / context.shape[0]
