"""PyTorch mirror of VideoLab's MoCoGAN and of one step of its GanMethod, for the benchmark peer.

Layer for layer as src/VideoLab/Models/MoCoGan.cs, MoCoGanGenerator.cs and MoCoGanDiscriminators.cs (same
transposed convolutions, bias choices, batch norms, GRU motion network, code sizes; both discriminators with
spectral norm), and src/VideoLab/Training/GanMethod.cs with its defaults (non-saturating loss, one D update
then one G update, AdamW lr 1e-3, betas (0.5, 0.999), weight decay 0). Module names follow the C# ones
(snake_case), so a C# state dict loads by name.

Spectral norm: torch.nn.utils.spectral_norm (u warmed up by 15 power iterations at construction, below), which in
training mode runs one power iteration per forward
(v = W^T u / |W^T u|, u = W v / |W v|, sigma = u.W v, gradient through sigma only), exactly what
Modules/SpectralNorm.cs does. It registers weight_orig and bias as parameters and u, v as buffers; the C#
layer has weight and bias as parameters and u as a buffer, so parameter counts compare like with like.
(In eval mode PyTorch reuses the stored v, the C# recomputes v from u: the discriminators only run in
training mode here.)
"""
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm as plain_spectral_norm


def spectral_norm(module, warm_up=15):
    """torch.nn.utils.spectral_norm with u first refined by 15 power iterations, as Modules/SpectralNorm.cs (and
    torch.nn.utils.parametrizations.spectral_norm) start; the old API starts from a random u."""
    module = plain_spectral_norm(module)
    with torch.no_grad():
        w, u = module.weight_orig.flatten(1), module.weight_u
        for _ in range(warm_up):
            v = F.normalize(w.t() @ u, dim=0)
            u = F.normalize(w @ v, dim=0)
        module.weight_u.copy_(u)
        module.weight_v.copy_(F.normalize(w.t() @ u, dim=0))
    return module


def upsampling_stages(image_size):
    """MoCoGanConfig.UpsamplingStages: stride-2 stages between 4x4 and the frame size (4 * 2^k, at least 8)."""
    stages = 0
    while 4 << stages < image_size:
        stages += 1
    if image_size < 8 or 4 << stages != image_size:
        raise SystemExit(f"mocogan: image size must be 4*2^k and at least 8; got {image_size}")
    return stages


class Generator(nn.Module):
    """MoCoGanGenerator.cs: GRUCell(noise -> motion) per frame; each frame from [z_C, z_M(t)] by a DCGAN image
    generator: ConvT 4x4 1 -> 4 (no bias), BN, ReLU, then stride-2 ConvT 4x4 (bias only on the last), BN+ReLU
    except after the last, sigmoid."""

    def __init__(self, channels, image_size, content_dim, motion_dim, noise_dim, width):
        super().__init__()
        self.content_dim, self.motion_dim, self.noise_dim = content_dim, motion_dim, noise_dim
        self.motion = nn.GRUCell(noise_dim, motion_dim)
        stages = upsampling_stages(image_size)
        w = width << (stages - 1)  # channels at 4x4, halving per stage
        layers = [("project", nn.ConvTranspose2d(content_dim + motion_dim, w, 4, stride=1, padding=0, bias=False)),
                  ("project_norm", nn.BatchNorm2d(w)), ("project_relu", nn.ReLU())]
        for i in range(stages):
            last = i == stages - 1
            out = channels if last else w // 2
            layers.append((f"up{i}", nn.ConvTranspose2d(w, out, 4, stride=2, padding=1, bias=last)))  # doubles H, W
            if not last:
                layers += [(f"up{i}_norm", nn.BatchNorm2d(out)), (f"up{i}_relu", nn.ReLU())]
            w = out
        layers.append(("to_unit", nn.Sigmoid()))
        self.image = nn.Sequential(OrderedDict(layers))

    def draw_latents(self, count, frames):
        """DrawLatents: content (B, Dc), GRU start (B, Dm), per-frame noise (B, T, De), standard normal, in this order."""
        device = self.motion.weight_ih.device
        return (torch.randn(count, self.content_dim, device=device), torch.randn(count, self.motion_dim, device=device),
                torch.randn(count, frames, self.noise_dim, device=device))

    def forward(self, latents):
        content, start, noise = latents
        b, t = noise.shape[:2]
        h, codes = start, []  # (B, Dm)
        for i in range(t):
            h = self.motion(noise[:, i], h)
            codes.append(h)
        motion = torch.stack(codes, 1)  # (B, T, Dm)
        z = torch.cat([content.unsqueeze(1).expand(b, t, self.content_dim), motion], 2)  # (B, T, Dc+Dm)
        frames = self.image(z.flatten(0, 1)[:, :, None, None])  # (B*T, C, H, W)
        return frames.unflatten(0, (b, t))  # (B, T, C, H, W)


class ImageDiscriminator(nn.Module):
    """MoCoGanImageDiscriminator: stride-2 4x4 convolutions (bias, spectral norm) + LeakyReLU(0.2), width doubling,
    down to 4x4, then a 4x4 convolution to one logit per frame. No batch norm."""

    def __init__(self, channels, image_size, width, sn=True):
        super().__init__()
        wrap = spectral_norm if sn else (lambda m: m)
        layers, inputs = [], channels
        for i in range(upsampling_stages(image_size)):  # H -> H/2 -> ... -> 4
            layers += [(f"down{i}", wrap(nn.Conv2d(inputs, width, 4, stride=2, padding=1))),
                       (f"down{i}_act", nn.LeakyReLU(0.2))]
            inputs, width = width, width * 2
        layers.append(("score", wrap(nn.Conv2d(inputs, 1, 4, stride=1, padding=0))))  # 4x4 -> 1x1
        self.layers = nn.Sequential(OrderedDict(layers))

    def forward(self, frames):  # (N, C, H, W) -> (N)
        return self.layers(frames).flatten()


class VideoDiscriminator(nn.Module):
    """MoCoGanVideoDiscriminator: 3D convolutions kernel (3, 4, 4), stride (1, 2, 2), padding 1 (bias, spectral norm)
    + LeakyReLU(0.2), then a (1, 4, 4) convolution to per-time scores, averaged: one logit per clip."""

    def __init__(self, channels, image_size, width, sn=True):
        super().__init__()
        wrap = spectral_norm if sn else (lambda m: m)
        layers, inputs = [], channels
        for i in range(upsampling_stages(image_size)):  # (T, H, W) -> (T, H/2, W/2) -> ... -> (T, 4, 4)
            layers += [(f"down{i}", wrap(nn.Conv3d(inputs, width, (3, 4, 4), stride=(1, 2, 2), padding=(1, 1, 1)))),
                       (f"down{i}_act", nn.LeakyReLU(0.2))]
            inputs, width = width, width * 2
        layers.append(("score", wrap(nn.Conv3d(inputs, 1, (1, 4, 4)))))  # (T, 4, 4) -> (T, 1, 1)
        self.layers = nn.Sequential(OrderedDict(layers))

    def forward(self, clips):  # (B, T, C, H, W) -> (B)
        scores = self.layers(clips.permute(0, 2, 1, 3, 4))  # (B, 1, T, 1, 1)
        return scores.flatten(1).mean(1)


class MoCoGan(nn.Module):
    """Models/MoCoGan.cs: the three networks in one module (parameters() counts G + D_I + D_V, as the C# module)."""

    def __init__(self, channels=1, image_size=64, frames=16, content_dim=50, motion_dim=10, noise_dim=10,
                 generator_width=64, discriminator_width=64, sn=True):
        super().__init__()
        self.frames, self.clip_shape = frames, (channels, image_size, image_size)
        self.generator = Generator(channels, image_size, content_dim, motion_dim, noise_dim, generator_width)
        self.image_discriminator = ImageDiscriminator(channels, image_size, discriminator_width, sn)
        self.video_discriminator = VideoDiscriminator(channels, image_size, discriminator_width, sn)

    def sample(self, count, frames=None):
        """MoCoGan.Sample: clips (count, T, C, H, W) from fresh latents, without gradient."""
        with torch.no_grad():
            return self.generator(self.generator.draw_latents(count, frames or self.frames))


def optimizers(gan, lr=1e-3, d_lr=None, weight_decay=0.0):
    """GanMethod's two optimisers: AdamW, betas (0.5, 0.999); D_I and D_V share one (MethodSettings defaults:
    lr 1e-3, no separate discriminator rate, weight decay 0 -- PyTorch's AdamW default would be 1e-2)."""
    d_params = list(gan.image_discriminator.parameters()) + list(gan.video_discriminator.parameters())
    g = torch.optim.AdamW(gan.generator.parameters(), lr=lr, betas=(0.5, 0.999), weight_decay=weight_decay)
    d = torch.optim.AdamW(d_params, lr=d_lr or lr, betas=(0.5, 0.999), weight_decay=weight_decay)
    return g, d


def random_frames(clips):
    """One random frame per clip, (B, T, C, H, W) -> (B, C, H, W): GanMethod.RandomFrames."""
    index = torch.randint(clips.shape[1], (clips.shape[0],), device=clips.device)
    return clips[torch.arange(clips.shape[0], device=clips.device), index]


def d_loss(real, fake):
    """Non-saturating discriminator loss (GanLoss.NonSaturating, MoCoGanConfig's default)."""
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def train_step(gan, optimizers, real):
    """GanMethod.TrainStep on a real batch (B, T, C, H, W): one D update, then one G update, fakes of the same T.
    Every discriminator call is a training-mode forward, so each runs one power iteration (as in the C#)."""
    g_opt, d_opt = optimizers
    G, DI, DV = gan.generator, gan.image_discriminator, gan.video_discriminator
    if real.dim() != 5 or tuple(real.shape[2:]) != gan.clip_shape:  # GanMethod's VideoShape.Check
        raise SystemExit(f"mocogan: expected real clips (B, T, {', '.join(map(str, gan.clip_shape))}), got {tuple(real.shape)}")
    b, t = real.shape[:2]
    # DiscriminatorStep: real against clips generated without gradient (G in training mode: batch statistics).
    with torch.no_grad():
        fake = G(G.draw_latents(b, t))  # (B, T, C, H, W)
    real_i, fake_i = DI(random_frames(real)), DI(random_frames(fake))
    real_v, fake_v = DV(real), DV(fake)
    loss_d = d_loss(real_i, fake_i) + d_loss(real_v, fake_v)
    # Logged by the C# (and read back there with .item()): mean sigma(D(x)) for real and fake.
    logged = [x.sigmoid().mean().item() for x in (real_i, fake_i, real_v, fake_v)]
    d_opt.zero_grad()
    loss_d.backward()
    d_opt.step()
    # GeneratorStep: new clips against both discriminators, whose weights are frozen meanwhile (the gradient
    # passes through them to G; their own weight gradients are not computed).
    d_params = list(DI.parameters()) + list(DV.parameters())
    for p in d_params:
        p.requires_grad_(False)
    try:
        fake = G(G.draw_latents(b, t))
        loss_g = F.softplus(-DI(random_frames(fake))).mean() + F.softplus(-DV(fake)).mean()
        g_opt.zero_grad()
        loss_g.backward()
        g_opt.step()
    finally:
        for p in d_params:
            p.requires_grad_(True)
    return dict(d_loss=loss_d.item(), g_loss=loss_g.item(), d_real=(logged[0] + logged[2]) / 2,
                d_fake=(logged[1] + logged[3]) / 2)


def generator_flops(generator, frames):
    """Multiply-adds of one generator forward for one clip of `frames` frames (fvcore's convention: transposed
    convolutions count input positions x Cin x Cout x k x k), plus the GRU cell's two matrix products per frame
    (fvcore would skip aten::gru_cell; they are ~0.01% here)."""
    total = [0]

    def hook(module, inputs, output):
        if isinstance(module, nn.ConvTranspose2d):
            x = inputs[0]
            total[0] += x.numel() // x.shape[1] * module.in_channels * (module.out_channels // module.groups) \
                * module.kernel_size[0] * module.kernel_size[1]
        elif isinstance(module, nn.GRUCell):
            total[0] += inputs[0].shape[0] * 3 * module.hidden_size * (module.input_size + module.hidden_size)

    handles = [m.register_forward_hook(hook) for m in generator.modules() if isinstance(m, (nn.ConvTranspose2d, nn.GRUCell))]
    was_training = generator.training
    generator.eval()
    with torch.no_grad():
        generator(generator.draw_latents(1, frames))
    generator.train(was_training)
    for h in handles:
        h.remove()
    return total[0]
