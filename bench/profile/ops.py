"""The operations of bench/profile/ops.cs in PyTorch, same shapes and protocol. Usage: ops.py THREADS."""
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1])); torch.manual_seed(0)
CL = lambda t: t.contiguous(memory_format=torch.channels_last)
gn = nn.GroupNorm(2, 32); silu = nn.SiLU(); bn = nn.BatchNorm2d(256); gelu = nn.GELU()
big = CL(torch.randn(160, 32, 64, 64)).requires_grad_(); bigN = torch.randn(160, 32, 64, 64).requires_grad_()
mid = CL(torch.randn(160, 32, 32, 32)).requires_grad_(); shuf = CL(torch.randn(160, 128, 32, 32)).requires_grad_()
t256 = torch.randn(16, 256, 16, 16).requires_grad_(); t512 = torch.randn(16, 512, 16, 16).requires_grad_()
t2048 = CL(torch.randn(16, 2048, 16, 16)).requires_grad_(); scale = torch.full((256,), 0.01).requires_grad_()
ps = [nn.Parameter(torch.randn(288000)) for _ in range(40)]
for p in ps: p.grad = torch.randn(288000)
adam = torch.optim.Adam(ps, 1e-3)
gates = CL(torch.randn(16, 128, 16, 16)); cell = CL(torch.randn(16, 32, 16, 16))
def bwd(y): y.backward(torch.ones_like(y))
def twenty(f):
    with torch.no_grad():
        for _ in range(20): f()
def gate(): c = t512.chunk(2, 1); bwd(c[1].sigmoid() * c[0])
ops = [
 ("groupnorm+silu 160x32x64x64 NHWC", lambda: bwd(silu(gn(big)))),
 ("groupnorm+silu 160x32x64x64 NCHW", lambda: bwd(silu(gn(bigN)))),
 ("groupnorm 160x32x64x64 NHWC", lambda: bwd(gn(big))),
 ("silu 160x32x64x64 NHWC", lambda: bwd(silu(big))),
 ("groupnorm+silu 160x32x32x32 NHWC", lambda: bwd(silu(gn(mid)))),
 ("pixel_shuffle 160x128x32x32 NHWC", lambda: bwd(F.pixel_shuffle(shuf, 2))),
 ("batchnorm 16x256x16x16", lambda: bwd(bn(t256))),
 ("gelu 16x2048x16x16 NHWC", lambda: bwd(gelu(t2048))),
 ("gelu 16x256x16x16", lambda: bwd(gelu(t256))),
 ("gate sigmoid*mul 16x512", gate),
 ("residual x+s*y 16x256", lambda: bwd(t256 + scale.reshape(1, -1, 1, 1) * t256)),
 ("to NCHW 16x256 from CL", lambda: bwd(CL(t256).contiguous())),
 ("adam step 11.5M", lambda: adam.step()),
 ("20x tanh 16x32x16x16 gate slice", lambda: twenty(lambda: gates.chunk(4, 1)[2].tanh())),
 ("20x tanh 16x32x16x16 NHWC", lambda: twenty(lambda: cell.tanh())),
 ("20x sigmoid 16x32x16x16 gate slice", lambda: twenty(lambda: gates.chunk(4, 1)[2].sigmoid())),
 ("20x 2sigmoid(2x)-1 gate slice", lambda: twenty(lambda: gates.chunk(4, 1)[2].mul(2).sigmoid_().mul_(2).sub_(1))),
]
r = {n: [] for n, _ in ops}
for rnd in range(12):
    for n, f in ops:
        t0 = time.perf_counter(); f(); ms = (time.perf_counter() - t0) * 1000
        for t in (big, bigN, mid, shuf, t256, t512, t2048, scale):
            t.grad = None
        if rnd >= 2: r[n].append(ms)
for n, l in r.items():
    l.sort(); print(f"{n:36} {l[len(l)//2]:8.1f} ms  [{l[0]:.1f}-{l[-1]:.1f}]")
