#pragma once

// The window loops of max pooling over windows that tile the image (stride
// equal to the kernel, no padding), one NCHW plane at a time, shared by the
// plain pooling (tiledmaxpool.cpp) and the pooling fused after batch norm
// and ReLU (batchnormrelupool.cpp). Each takes a transform applied to every
// value before it is compared: the identity, or negation to find minima.

#include <ATen/Parallel.h>
#include <c10/util/ArrayRef.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdint>

namespace lepton {

// A window's argmax is kept as its row-major offset in one byte.
constexpr int64_t kLargestPoolKernel = 16;

struct PoolPlanes {
    int64_t count, height, width, outHeight, outWidth, kernel;
    // Where a window's element at row-major offset `at` lies from its corner:
    // looked up, not divided out, for every window backward.
    std::array<int64_t, kLargestPoolKernel * kLargestPoolKernel> windowOffsets{};

    PoolPlanes(c10::IntArrayRef sizes, int64_t k)
        : count(sizes[0] * sizes[1])
        , height(sizes[2])
        , width(sizes[3])
        , outHeight(sizes[2] / k)
        , outWidth(sizes[3] / k)
        , kernel(k)
    {
        for (int64_t at = 0; at < k * k; ++at)
            windowOffsets[at] = at / k * width + at % k;
    }
    int64_t inSize() const { return height * width; }
    int64_t outSize() const { return outHeight * outWidth; }
    // Where the window of output (oh, ow) has its argmax `at`, in the plane.
    int64_t argmaxOffset(int64_t oh, int64_t ow, int64_t at) const
    {
        return oh * kernel * width + ow * kernel + windowOffsets[at];
    }
    // work(plane) for every plane, across LibTorch's intra-op threads.
    template <typename Work>
    void forEach(const Work& work) const
    {
        constexpr int64_t kGrain = 32768; // floats one task reads at least
        at::parallel_for(0, count, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, inSize())),
                         [&](int64_t begin, int64_t end) {
                             for (int64_t plane = begin; plane < end; ++plane)
                                 work(plane);
                         });
    }
};

// Where a plane's window maxima go: the transformed maximum and the
// window's argmax.
struct WindowMaxima {
    float* __restrict best;
    uint8_t* __restrict argmax;
};

// Window by window across each output row, so the comparisons become
// selects: which element wins is data-dependent, and branching on it costs a
// misprediction every other comparison. The last NaN wins, as in
// torch::max_pool2d.
template <typename Transform>
void windowMaxPlane(const PoolPlanes& p, const float* __restrict in, const Transform& transform,
                    const WindowMaxima& out)
{
    const int64_t k = p.kernel;
    const int64_t width = p.outWidth;
    for (int64_t oh = 0; oh < p.outHeight; ++oh) {
        float* __restrict best = out.best + oh * width;
        uint8_t* __restrict bestAt = out.argmax + oh * width;
        const float* first = in + oh * k * p.width;
        for (int64_t ow = 0; ow < width; ++ow) {
            best[ow] = transform(first[ow * k]);
            bestAt[ow] = 0;
        }
        for (int64_t r = 0; r < k; ++r) {
            for (int64_t c = 0; c < k; ++c) {
                const float* __restrict candidates = first + r * p.width + c;
                const auto offset = static_cast<uint8_t>(r * k + c);
                for (int64_t ow = 0; ow < width; ++ow) {
                    const float value = transform(candidates[ow * k]);
                    const bool wins = value > best[ow] || value != value;
                    best[ow] = wins ? value : best[ow];
                    bestAt[ow] = wins ? offset : bestAt[ow];
                }
            }
        }
    }
}

// 2x2 windows, the common case, four outputs at a time in vector registers:
// two rows of eight inputs are loaded and split into the windows' four
// corners. A row's last four outputs are computed again where its width is
// not a multiple of four: pooling the same window twice gives the same result.
using PoolFloats = float __attribute__((vector_size(16)));
using PoolInts = int32_t __attribute__((vector_size(16)));
using PoolBytes = uint8_t __attribute__((vector_size(4)));

inline PoolFloats loadFloats(const float* from)
{
    PoolFloats values;
    std::memcpy(&values, from, sizeof values);
    return values;
}

inline void storeFloats(float* to, PoolFloats values)
{
    std::memcpy(to, &values, sizeof values);
}

// The four corners of four 2x2 windows whose top-left corners are at even
// offsets of `top` and `bottom`: top-left, top-right, bottom-left, bottom-right.
struct Corners {
    PoolFloats at[4];

    Corners(const float* top, const float* bottom)
    {
        const PoolFloats t0 = loadFloats(top), t1 = loadFloats(top + 4);
        const PoolFloats b0 = loadFloats(bottom), b1 = loadFloats(bottom + 4);
        at[0] = __builtin_shufflevector(t0, t1, 0, 2, 4, 6);
        at[1] = __builtin_shufflevector(t0, t1, 1, 3, 5, 7);
        at[2] = __builtin_shufflevector(b0, b1, 0, 2, 4, 6);
        at[3] = __builtin_shufflevector(b0, b1, 1, 3, 5, 7);
    }
};

template <typename Transform>
void windowMaxPlane2x2(const PoolPlanes& p, const float* __restrict in, const Transform& transform,
                       const WindowMaxima& out)
{
    const int64_t width = p.outWidth;
    if (width < 4)
        return windowMaxPlane(p, in, transform, out);
    for (int64_t oh = 0; oh < p.outHeight; ++oh) {
        const float* top = in + 2 * oh * p.width;
        const float* bottom = top + p.width;
        for (int64_t start = 0; start < width; start += 4) {
            const int64_t ow = std::min(start, width - 4);
            const Corners corners(top + 2 * ow, bottom + 2 * ow);
            PoolFloats best = transform(corners.at[0]);
            PoolInts at = {0, 0, 0, 0};
            for (int i = 1; i < 4; ++i) {
                const PoolFloats candidate = transform(corners.at[i]);
                const PoolInts wins = (candidate > best) | (candidate != candidate);
                best = wins ? candidate : best;
                at = wins ? PoolInts{i, i, i, i} : at;
            }
            const int64_t o = oh * width + ow;
            storeFloats(out.best + o, best);
            const PoolBytes bytes = __builtin_convertvector(at, PoolBytes);
            std::memcpy(out.argmax + o, &bytes, sizeof bytes);
        }
    }
}

template <typename Transform>
void windowMax(const PoolPlanes& p, const float* in, const Transform& transform, const WindowMaxima& out)
{
    if (p.kernel == 2)
        windowMaxPlane2x2(p, in, transform, out);
    else
        windowMaxPlane(p, in, transform, out);
}

} // namespace lepton
