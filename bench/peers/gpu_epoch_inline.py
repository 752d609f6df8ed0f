# The device runner of this benchmark session could carry only one inline command (its copy of the
# repository was main, not this branch), so gpu_epoch.py was sent as this compact single file. Same layers as
# models.py: outputs checked identical on the CPU with shared weights (max |diff| = 0.0) for both models.
# Readable version and what is measured: gpu_epoch.py.
import torch,time,json,torch.nn as nn,torch.nn.functional as F
C=nn.Conv2d
class L(nn.Module):
 def __init__(s,i,n,k):
  super().__init__();s.n=n;s.x=C(i,4*n,k,padding=k//2);s.h=C(n,4*n,k,padding=k//2,bias=False)
 def forward(s,x,st,m):
  h,c=st;i,f,g,o=(s.x(x)+s.h(h)).chunk(4,1);c=torch.sigmoid(f+1)*c+torch.sigmoid(i)*torch.tanh(g);return torch.sigmoid(o)*torch.tanh(c),c,m
class P(nn.Module):
 def __init__(s,i,n,k):
  super().__init__();p=k//2;s.n=n;s.x=C(i,7*n,k,padding=p);s.h=C(n,4*n,k,padding=p,bias=False);s.m=C(n,3*n,k,padding=p,bias=False);s.o=C(2*n,n,k,padding=p,bias=False);s.f=C(2*n,n,1,bias=False)
 def forward(s,x,st,m):
  h,c=st;a=s.x(x).chunk(7,1);b=s.h(h).chunk(4,1);e=s.m(m).chunk(3,1)
  c=torch.sigmoid(a[1]+b[1]+1)*c+torch.sigmoid(a[0]+b[0])*torch.tanh(a[2]+b[2]);m=torch.sigmoid(a[4]+e[1]+1)*m+torch.sigmoid(a[3]+e[0])*torch.tanh(a[5]+e[2])
  q=torch.cat([c,m],1);return torch.sigmoid(a[6]+b[3]+s.o(q))*torch.tanh(s.f(q)),c,m
class R(nn.Module):
 def __init__(s,cell,n=128):
  super().__init__();s.n=n;s.c=nn.ModuleList(cell(16 if i==0 else n,n,5) for i in range(4));s.r=C(n,16,1,bias=False)
 def forward(s,x):
  B=x.shape[0];fr=F.pixel_unshuffle(x.flatten(0,1),4).unflatten(0,(B,10));z=x.new_zeros(B,s.n,16,16);st=[(z,z)]*4;m=z;out=[]
  def step(v):
   nonlocal m
   for i,c in enumerate(s.c):
    h,cc,m=c(v,st[i],m);st[i]=(h,cc);v=h
   return s.r(v)
  for t in range(10):p=step(fr[:,t])
  out=[p]
  for _ in range(9):p=step(p);out.append(p)
  return F.pixel_shuffle(torch.stack(out,1).flatten(0,1),4).unflatten(0,(B,10))
torch.backends.cudnn.benchmark=True
for nm,cell in [("convlstm",L),("predrnn",P)]:
 M=R(cell).cuda();o=torch.optim.Adam(M.parameters(),1e-3);X=torch.rand(16,20,1,64,64,device="cuda")
 def st():
  o.zero_grad(set_to_none=True);F.mse_loss(M(X[:,:10]),X[:,10:]).backward();o.step()
 for _ in range(10):st()
 torch.cuda.synchronize();t0=time.perf_counter();n=0
 while n<625 and time.perf_counter()-t0<80:
  st();n+=1
  if n%25==0:torch.cuda.synchronize()
 torch.cuda.synchronize();d=time.perf_counter()-t0;e=d/n*625
 print(json.dumps(dict(model=nm,params=sum(p.numel() for p in M.parameters()),steps_timed=n,seconds=d,steps_per_s=n/d,epoch_seconds=e,hours_200_epochs=e*200/3600,gpu=torch.cuda.get_device_name(0),torch=torch.__version__,batch=16)),flush=True)
