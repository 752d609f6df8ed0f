"""PyTorch mirror of VideoLab's video transformer predictor, layer for layer, for the benchmark peer.

Copies:
  src/VideoLab/Models/VideoTransformer.cs         VideoTransformer (patch tokens, learned space and time positions,
                                                  residual readout, autoregressive rollout over a sliding window)
  src/VideoLab/Modules/MultiHeadSelfAttention.cs  MultiHeadSelfAttention, DividedSpaceTimeBlock (TimeSformer's
                                                  divided space-time attention, pre-LayerNorm, causal in time)
  src/VideoLab/Modules/Patches.cs                 via models.split_patches / merge_patches (pixel_unshuffle)

Attribute names are the C# field names in snake_case (timeAttention -> time_attention), so the C# worker's
state dict loads into this mirror by name (worker.py's `check` verb).
"""
import math

import torch
import torch.nn as nn

from models import merge_patches, split_patches


class MultiHeadSelfAttention(nn.Module):
    """Modules/MultiHeadSelfAttention.cs: one D -> 3D projection (with bias) for q, k, v of every head, scaled
    dot product, optional causal mask, D -> D output projection (with bias). (B, N, D) -> (B, N, D)."""

    def __init__(self, dim, heads, causal=False):
        super().__init__()
        assert dim % heads == 0, f"dimension {dim} is not divisible by {heads} heads"
        self.heads, self.causal = heads, causal
        self.qkv = nn.Linear(dim, 3 * dim)
        self.output = nn.Linear(dim, dim)

    def forward(self, x, cache=None):
        """cache: None, or a dict holding the earlier tokens' keys and values ("k", "v": (B, heads, L, D/heads)),
        which this call reads and extends (MultiHeadSelfAttention.Append): new token i sits at position L + i."""
        b, n, d = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # 3 x (B, heads, n, D/heads)
        past = 0
        if cache is not None:
            if "k" in cache:
                past = cache["k"].shape[2]
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)  # (B, heads, past + n, D/heads)
            cache["k"], cache["v"] = k, v
        scores = q @ k.transpose(-2, -1) / math.sqrt(d // self.heads)  # (B, heads, n, past + n)
        if self.causal:
            future = torch.ones(n, past + n, dtype=torch.bool, device=x.device).triu(past + 1)  # true after position past + i
            scores = scores.masked_fill(future, float("-inf"))
        weights = scores.softmax(-1)  # (B, heads, n, past + n)
        return self.output((weights @ v).transpose(1, 2).reshape(b, n, d))  # (B, n, D)


class DividedSpaceTimeBlock(nn.Module):
    """Modules/MultiHeadSelfAttention.cs, DividedSpaceTimeBlock: (B, T, N, D) -> attention along time (each patch
    position over frames), then along space (each frame's patches), then an MLP (D -> D*ratio -> GELU -> D);
    pre-LayerNorm and a residual around each."""

    def __init__(self, dim, heads, mlp_ratio=4.0, causal=False):
        super().__init__()
        self.time_norm = nn.LayerNorm(dim)
        self.time_attention = MultiHeadSelfAttention(dim, heads, causal)
        self.space_norm = nn.LayerNorm(dim)
        self.space_attention = MultiHeadSelfAttention(dim, heads)
        self.mlp_norm = nn.LayerNorm(dim)
        hidden = int(dim * mlp_ratio)  # C#: (int)(dim * mlpRatio), truncated the same way
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x, time_cache=None):
        b, t, n, d = x.shape
        along_time = x.transpose(1, 2).reshape(b * n, t, d)  # (B*N, T, D)
        x = x + self.time_attention(self.time_norm(along_time), time_cache).reshape(b, n, t, d).transpose(1, 2)  # (B, T, N, D)
        along_space = x.reshape(b * t, n, d)  # (B*T, N, D)
        x = x + self.space_attention(self.space_norm(along_space)).reshape(b, t, n, d)  # (B, T, N, D)
        return x + self.mlp(self.mlp_norm(x))


class VideoTransformer(nn.Module):
    """Models/VideoTransformer.cs: p x p patches -> linear embedding + learned space (N, D) and time (MaxFrames, 1, D)
    positions -> Depth causal divided space-time blocks -> LayerNorm -> linear head back to the patch, added to the
    current frame (the model predicts the change). forward(context) predicts `horizon` frames autoregressively
    without teacher forcing, as VideoTransformer.Predict with teacher = null: each step runs only the new frame
    against the cached time-attention keys and values of the earlier ones, and the whole window is recomputed
    (caches emptied) when it slides past max_frames."""

    def __init__(self, channels=1, height=64, width=64, horizon=10, patch=8, dim=256, depth=6, heads=8,
                 mlp_ratio=4.0, max_frames=20):
        super().__init__()
        assert height % patch == 0 and width % patch == 0, f"patch {patch} must divide {height}x{width}"
        self.patch, self.horizon, self.max_frames = patch, horizon, max_frames
        values = channels * patch * patch
        tokens = (height // patch) * (width // patch)
        self.embed = nn.Linear(values, dim)
        self.space_position = nn.Parameter(torch.randn(tokens, dim) * 0.02)  # (N, D)
        self.time_position = nn.Parameter(torch.randn(max_frames, 1, dim) * 0.02)  # (MaxFrames, 1, D)
        self.blocks = nn.ModuleList(DividedSpaceTimeBlock(dim, heads, mlp_ratio, causal=True) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, values)
        with torch.no_grad():  # a near-zero change at first: starts next to the copy-last-frame baseline
            self.head.weight.mul_(0.01)
            self.head.bias.zero_()

    def next_frames(self, frames, start=0, caches=None):
        """(B, L, C, H, W) frames at window positions start..start+L-1 -> predictions of the frames after each
        (each sees its frame and earlier ones); with caches (one per block), earlier frames come from them."""
        b, l = frames.shape[:2]
        cells = split_patches(frames, self.patch)  # (B, L, C*p*p, h, w)
        h, w = cells.shape[3:]
        tokens = self.embed(cells.flatten(3).transpose(2, 3)) + self.space_position + self.time_position[start:start + l]  # (B, L, N, D)
        for i, block in enumerate(self.blocks):
            tokens = block(tokens, None if caches is None else caches[i])  # (B, L, N, D)
        change = self.head(self.norm(tokens)).transpose(2, 3).reshape(b, l, -1, h, w)  # (B, L, C*p*p, h, w)
        return frames + merge_patches(change, self.patch)  # (B, L, C, H, W)

    def forward(self, context, with_context=False):
        """With with_context, the outputs for the context frames of the first window too (NextFrames in C#)."""
        tc = context.shape[1]
        frames = context[:, max(0, tc - self.max_frames):]  # (B, <= MaxFrames, C, H, W)
        caches = [{} for _ in self.blocks]
        first = self.next_frames(frames, 0, caches)  # (B, L, C, H, W)
        next_frame = first[:, -1]  # (B, C, H, W)
        predictions = [next_frame]
        for _ in range(1, self.horizon):
            frames = torch.cat([frames, next_frame.unsqueeze(1)], 1)  # (B, L + 1, C, H, W)
            if frames.shape[1] > self.max_frames:
                frames = frames[:, 1:]
                caches = [{} for _ in self.blocks]
                next_frame = self.next_frames(frames, 0, caches)[:, -1]
            else:
                next_frame = self.next_frames(next_frame.unsqueeze(1), frames.shape[1] - 1, caches)[:, -1]
            predictions.append(next_frame)
        predicted = torch.stack(predictions, 1)  # (B, horizon, C, H, W)
        return torch.cat([first[:, :-1], predicted], 1) if with_context else predicted  # (B, [L - 1 +] horizon, C, H, W)
