#!/usr/bin/python3
"""notebook.py: the original notebook's resampling in numpy, for the tests.

A re-implementation of the steps after the decode, written from the Julia
sources (not from pxr's C): load_img's Float32 conversion,
resize_smallest_dimension (restrict, KernelFactors.gaussian with Inner(),
imresize) and center_crop, then round.(UInt8, x .* 255).  Whole arrays, as
the notebook computed them; numpy rounds after every elementwise operation,
as Julia does, and the expressions below keep Julia's order.

  notebook.py chain N C OUT.npy IN.npy...   each IN (H, W, 3 uint8, the
        decoded pixels) through the chain: short side N, crop C; OUT
        holds them stacked (uint8)
  notebook.py kernel SIGMA                  the Gaussian's taps, as hex
"""
import math
import struct
import sys

import numpy as np

F32 = np.float32


def julia_exp(x):
    """Julia 1.1's exp(::Float64) (base/special/exp.jl), unfused."""
    def bits(v):
        return struct.unpack("<Q", struct.pack("<d", v))[0]

    def horner(t):
        p = [1.66666666666666019037e-1, -2.77777777770155933842e-3, 6.61375632143793436117e-5,
             -1.65339022054652515390e-6, 4.13813679705723846039e-8]
        ex = p[4]
        for c in reversed(p[:4]):
            ex = t * ex + c
        return ex

    ln2 = 6.931471805599453094172321214581765680755001343602552541206800094933936219696955e-01
    log2e = 1.442695040888963407359924681001892137426646
    ln2u, ln2l = 6.93147180369123816490e-1, 1.90821492927058770002e-10
    xa = bits(x) & ~(1 << 63)
    if xa > bits(0.5 * ln2):
        if xa < bits(1.5 * ln2):
            if x < 0:
                k, hi, lo = -1, x + ln2u, -ln2l
            else:
                k, hi, lo = 1, x - ln2u, ln2l
        else:
            n = float(round(log2e * x))  # round: ties to even, as Julia's
            k = int(n)
            hi = n * -ln2u + x
            lo = n * ln2l
        r = hi - lo
        z = r * r
        p = r - z * horner(z)
        y = 1.0 - ((lo - (r * p) / (2.0 - p)) - hi)
        return y * struct.unpack("<d", struct.pack("<Q", (1023 + k) << 52))[0]
    if xa < bits(2.0 ** -28):
        return 1.0 + x
    z = x * x
    p = x - z * horner(z)
    return 1.0 - ((x * p) / (p - 2.0) - x)


def gaussian(sigma):
    """KernelFactors.gaussian(sigma): taps -w..w, normalised by a left-to-right sum."""
    l = 4 * math.ceil(sigma) + 1
    w = l >> 1
    g = [julia_exp(float(-(x * x)) / (2 * (sigma * sigma))) for x in range(-w, w + 1)]
    s = g[0]
    for v in g[1:]:
        s = s + v
    return [v / s for v in g]


def restrict1(a):
    """restrict along dim 1 (rows), the specialised method: Float32, zero outside."""
    n = a.shape[0]
    z = np.zeros((1,) + a.shape[1:], F32)
    if n % 2 == 1:
        p = np.concatenate([z, a, z])  # p[i + 1] = A[i]
        k = np.arange((n + 1) // 2)
        return F32(0.25) * (p[2 * k] + p[2 * k + 2]) + F32(0.5) * p[2 * k + 1]
    p = np.concatenate([z, z, a, z, z])  # p[i + 2] = A[i]
    k = np.arange(n // 2 + 1)
    return F32(0.125) * (p[2 * k] + p[2 * k + 3]) + F32(0.375) * (p[2 * k + 1] + p[2 * k + 2])


def restrict2(a):
    """restrict along dim 2 (columns), the generic method: accumulate from 0, left to right."""
    m = a.shape[1]
    z = np.zeros((a.shape[0], 1) + a.shape[2:], F32)
    if m % 2 == 1:
        p = np.concatenate([z, a, z], axis=1)
        j = np.arange((m + 1) // 2)
        acc = np.zeros((a.shape[0], len(j)) + a.shape[2:], F32)
        for t, wt in ((0, 0.25), (1, 0.5), (2, 0.25)):
            acc = acc + F32(wt) * p[:, 2 * j + t]
        return acc
    p = np.concatenate([z, z, a, z, z], axis=1)
    j = np.arange(m // 2 + 1)
    acc = np.zeros((a.shape[0], len(j)) + a.shape[2:], F32)
    for t, wt in ((0, 0.125), (1, 0.375), (2, 0.375), (3, 0.125)):
        acc = acc + F32(wt) * p[:, 2 * j + t]
    return acc


def imfilter_inner_dim1(a, g):
    """imfilter(a, centered(g), Inner()): dim 1 only, Float64, rows w..n-w-1 kept."""
    w = len(g) // 2
    n = a.shape[0]
    a64 = a.astype(np.float64)
    out = np.zeros((n - 2 * w,) + a.shape[1:])
    for t, k in enumerate(g):
        out = out + a64[t:t + n - 2 * w] * k
    return out, 1 + w  # the values and the first index of their axis


def coords(first, n, m, clamp):
    """imresize!'s coordinates, then Linear's floor/weight, for outputs 1..m."""
    s = n / m
    off = (first - 0.5) - s * 0.5
    x = s * np.arange(1, m + 1, dtype=np.float64) + off
    last = first + n - 1
    if clamp:
        x = np.clip(x, first, last)
    fl = np.floor(x)
    fl = np.where(x == last, fl - 1, fl)
    return (fl - first).astype(np.int64), x - fl


def imresize(a, first1, new):
    """Bilinear imresize of a (axes first1.., 1..) to new = (rows, cols): Float64 values."""
    n1, n2 = a.shape[:2]
    clamp = n1 / new[0] < 1 or n2 / new[1] < 1
    i1, d1 = coords(first1, n1, new[0], clamp)
    i2, d2 = coords(1, n2, new[1], clamp)
    a = a.astype(np.float64)
    i1b = np.minimum(i1 + 1, n1 - 1)
    i2b = np.minimum(i2 + 1, n2 - 1)
    d2 = d2[None, :, None]
    g0 = d2 * a[i1][:, i2b] + (1 - d2) * a[i1][:, i2]
    g1 = d2 * a[i1b][:, i2b] + (1 - d2) * a[i1b][:, i2]
    d1 = d1[:, None, None]
    return d1 * g1 + (1 - d1) * g0


def chain(u8, n, c):
    """The notebook's X for decoded pixels u8 (H, W, 3): short side n, crop c."""
    x = u8.astype(F32) * F32(1.0 / 255.0)  # N0f8 -> Float32: one multiply
    h, w = x.shape[:2]
    rf = n / min(h, w)
    new = (round(h * rf), round(w * rf))  # Python's round: ties to even, as Julia's
    if rf < 1.0:
        while rf < 0.5:
            x = restrict2(restrict1(x))
            rf *= 2
        x, first = imfilter_inner_dim1(x, gaussian(0.75 / rf))
        y = imresize(x, first, new)
    elif (h, w) == new:
        y = x
    else:
        y = imresize(x, 1, new).astype(F32)
    l2, adjust = c // 2, 1 if c % 2 == 0 else 0
    r0, c0 = new[0] // 2 - l2 - 1, new[1] // 2 - l2 - 1  # 1-based div(end,2)-l2, 0-based
    y = y[r0:new[0] // 2 + l2 - adjust, c0:new[1] // 2 + l2 - adjust]
    q = np.rint(y * y.dtype.type(255))
    assert q.min() >= 0 and q.max() <= 255
    return q.astype(np.uint8)


def main():
    if sys.argv[1] == "kernel":
        print(" ".join(float(v).hex() for v in gaussian(float(sys.argv[2]))))
        return
    n, c, out = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    np.save(out, np.stack([chain(np.load(f), n, c) for f in sys.argv[5:]]))


if __name__ == "__main__":
    main()
