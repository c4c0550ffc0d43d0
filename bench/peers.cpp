//===- peers.cpp - Timed int8 kernels of QuantC's peers ---------*- C++ -*-===//
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
//===----------------------------------------------------------------------===//
//
// The native side of bench/run.py: each case times one kernel and prints
// one line `seconds <median seconds per call>` (plus `check <value>` where a
// checksum helps catch a kernel that did nothing).
//
//   quantc-bench-peers peak THREADS
//   quantc-bench-peers bandwidth BYTES THREADS
//   quantc-bench-peers dnnl-matmul M K N THREADS
//   quantc-bench-peers xnnpack-matmul M K N THREADS
//   quantc-bench-peers dnnl-conv N C H W F KH KW THREADS
//   quantc-bench-peers xnnpack-conv N C H W F KH KW THREADS
//   quantc-bench-peers ours LIB.so M K N THREADS
//
// Every matmul is u8 (or s8 for XNNPACK, which has no u8 x s8 kernel)
// activations times constant s8 weights, requantized to 8-bit outputs:
// the same work as the QDQ models the ONNX Runtime side and QuantC run.
// Weights are packed once, outside the timed region, as each library's
// API intends. Threads: oneDNN uses OpenMP (OMP_NUM_THREADS, set by
// run.py), XNNPACK a pthreadpool of THREADS.
//
//===----------------------------------------------------------------------===//

#include <dnnl.hpp>
#include <pthreadpool.h>
#include <xnnpack.h>

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "quantc-bench-peers: error: %s\n", message.c_str());
  std::exit(1);
}

long parseCount(const char *text) {
  char *end = nullptr;
  long value = std::strtol(text, &end, 10);
  if (!*text || *end || value <= 0)
    fail(std::string("expected a positive integer, got '") + text + "'");
  return value;
}

double minSeconds() {
  const char *env = std::getenv("QUANTC_BENCH_MIN_SECONDS");
  return env ? std::atof(env) : 1.0;
}

/// QUANTC_BENCH_EVICT_BYTES (default 0): before each timed call, touch one
/// byte per cache line of a buffer this large, so that the weights come
/// from memory (run.py's "weights evicted" rows). Read-modify-write, not
/// memset: glibc streams large memsets past the cache.
void evictCaches(std::vector<char> &buffer) {
  volatile char *lines = buffer.data();
  for (size_t i = 0; i < buffer.size(); i += 64)
    lines[i] = lines[i] + 1;
}

/// Median seconds per call of `fn`: warm up, then time single calls until
/// the total reaches QUANTC_BENCH_MIN_SECONDS (default 1 s) and at least 5
/// calls ran. The median resists the other core's occasional noise.
double timeMedian(const std::function<void()> &fn) {
  using clock = std::chrono::steady_clock;
  for (int i = 0; i < 3; ++i)
    fn();
  const char *evictEnv = std::getenv("QUANTC_BENCH_EVICT_BYTES");
  std::vector<char> evictionBuffer(evictEnv ? std::atol(evictEnv) : 0);
  std::vector<double> samples;
  double total = 0;
  while (total < minSeconds() || samples.size() < 5) {
    evictCaches(evictionBuffer);
    auto start = clock::now();
    fn();
    double seconds =
        std::chrono::duration<double>(clock::now() - start).count();
    samples.push_back(seconds);
    total += seconds;
  }
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2,
                   samples.end());
  return samples[samples.size() / 2];
}

template <typename T> std::vector<T> randomBytes(size_t count, int seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(std::is_signed<T>::value ? -128 : 0,
                                          std::is_signed<T>::value ? 127 : 255);
  std::vector<T> values(count);
  for (T &v : values)
    v = static_cast<T>(dist(gen));
  return values;
}

/// Runs `body(thread)` on `threads` threads and waits for all of them.
void onThreads(long threads, const std::function<void(long)> &body) {
  std::vector<std::thread> workers;
  for (long t = 1; t < threads; ++t)
    workers.emplace_back(body, t);
  body(0);
  for (auto &w : workers)
    w.join();
}

//===----------------------------------------------------------------------===//
// Machine limits
//===----------------------------------------------------------------------===//

/// 12 independent vpdpbusd chains per thread hide its latency (5 cycles,
/// 2 ports on the widest cores), so the loop runs at issue throughput.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) int64_t
vpdpbusdLoop(long iterations) {
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  __m512i acc[12];
  for (auto &x : acc)
    x = _mm512_setzero_si512();
  for (long i = 0; i < iterations; ++i) {
    // Keeps the compiler from hoisting the products out of the loop.
    asm volatile("" : "+v"(a), "+v"(b));
    for (auto &x : acc)
      x = _mm512_dpbusd_epi32(x, a, b);
  }
  __m512i sum = acc[0];
  for (int j = 1; j < 12; ++j)
    sum = _mm512_add_epi32(sum, acc[j]);
  return _mm512_reduce_add_epi32(sum);
}

void runPeak(long threads) {
  const long iterations = 20'000'000;
  std::atomic<int64_t> sink{0};
  double seconds = timeMedian([&] {
    onThreads(threads, [&](long) { sink += vpdpbusdLoop(iterations); });
  });
  // Each vpdpbusd: 64 u8 x s8 products added into 16 lanes = 128 ops.
  double ops = 128.0 * 12 * iterations * threads;
  std::printf("seconds %.9g\nops %.9g\ncheck %lld\n", seconds, ops,
              (long long)sink.load());
}

__attribute__((target("avx512f"))) int64_t readSum(const int64_t *data,
                                                   size_t count) {
  __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 32 <= count; i += 32) {
    s0 = _mm512_add_epi64(s0, _mm512_loadu_si512(data + i));
    s1 = _mm512_add_epi64(s1, _mm512_loadu_si512(data + i + 8));
    s2 = _mm512_add_epi64(s2, _mm512_loadu_si512(data + i + 16));
    s3 = _mm512_add_epi64(s3, _mm512_loadu_si512(data + i + 24));
  }
  __m512i s = _mm512_add_epi64(_mm512_add_epi64(s0, s1),
                               _mm512_add_epi64(s2, s3));
  int64_t total = _mm512_reduce_add_epi64(s);
  for (; i < count; ++i)
    total += data[i];
  return total;
}

/// Read bandwidth over a buffer of `bytes`: cache-resident when it fits the
/// caches, DRAM bandwidth when it is well beyond the last level.
void runBandwidth(long bytes, long threads) {
  size_t count = bytes / sizeof(int64_t);
  std::vector<int64_t> data(count, 1);
  std::atomic<int64_t> sink{0};
  double seconds = timeMedian([&] {
    onThreads(threads, [&](long t) {
      size_t begin = count * t / threads, end = count * (t + 1) / threads;
      sink += readSum(data.data() + begin, end - begin);
    });
  });
  std::printf("seconds %.9g\nbytes %ld\ncheck %lld\n", seconds, bytes,
              (long long)sink.load());
}

//===----------------------------------------------------------------------===//
// oneDNN (u8 x s8 -> s8, per-tensor scales, runtime zero points)
//===----------------------------------------------------------------------===//

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

struct DnnlCase {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};

  /// Reorders `source` into the layout the primitive chose (`desc`), once.
  dnnl::memory prepack(dnnl::memory source, const dnnl::memory::desc &desc) {
    if (source.get_desc() == desc)
      return source;
    dnnl::memory packed(desc, engine);
    dnnl::reorder(source, packed).execute(stream, source, packed);
    stream.wait();
    return packed;
  }

  dnnl::memory zeroPoint(int32_t value) {
    dnnl::memory zp({{1}, dt::s32, tag::x}, engine);
    *static_cast<int32_t *>(zp.get_data_handle()) = value;
    return zp;
  }

  dnnl::primitive_attr quantAttr() {
    dnnl::primitive_attr attr;
    attr.set_output_scales(0, {0.0009765625f});
    attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
    attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
    return attr;
  }
};

void runDnnlMatmul(long m, long k, long n) {
  DnnlCase c;
  dnnl::memory::desc aDesc({m, k}, dt::u8, tag::ab);
  dnnl::memory::desc bAny({k, n}, dt::s8, tag::any);
  dnnl::memory::desc cDesc({m, n}, dt::s8, tag::ab);
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(aDesc, bAny, cDesc),
                                  c.quantAttr(), c.engine);
  auto a = randomBytes<uint8_t>(m * k, 1);
  auto b = randomBytes<int8_t>(k * n, 2);
  std::vector<int8_t> out(m * n);
  dnnl::memory aMem(aDesc, c.engine, a.data());
  dnnl::memory bPlain({{k, n}, dt::s8, tag::ab}, c.engine, b.data());
  dnnl::memory bMem = c.prepack(bPlain, pd.weights_desc());
  dnnl::memory cMem(cDesc, c.engine, out.data());
  dnnl::memory srcZp = c.zeroPoint(128), dstZp = c.zeroPoint(3);
  dnnl::matmul matmul(pd);
  std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC, aMem},
      {DNNL_ARG_WEIGHTS, bMem},
      {DNNL_ARG_DST, cMem},
      {DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, srcZp},
      {DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST, dstZp}};
  double seconds = timeMedian([&] {
    matmul.execute(c.stream, args);
    c.stream.wait();
  });
  long check = 0;
  for (int8_t v : out)
    check += v;
  std::printf("seconds %.9g\ncheck %ld\n", seconds, check);
}

void runDnnlConv(long batch, long channels, long height, long width,
                 long filters, long kh, long kw) {
  DnnlCase c;
  long oh = height - kh + 1 + 2 * (kh / 2), ow = width - kw + 1 + 2 * (kw / 2);
  dnnl::memory::desc srcAny({batch, channels, height, width}, dt::u8,
                            tag::any);
  dnnl::memory::desc wAny({filters, channels, kh, kw}, dt::s8, tag::any);
  dnnl::memory::desc dstAny({batch, filters, oh, ow}, dt::s8, tag::any);
  dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
      srcAny, wAny, dstAny, {1, 1}, {kh / 2, kw / 2}, {kh / 2, kw / 2});
  dnnl::convolution_forward::primitive_desc pd(desc, c.quantAttr(), c.engine);
  // Activations arrive in the layout oneDNN prefers (NHWC for int8), as a
  // network of oneDNN layers would hand them over.
  dnnl::memory src(pd.src_desc(), c.engine), dst(pd.dst_desc(), c.engine);
  auto x = randomBytes<uint8_t>(pd.src_desc().get_size(), 1);
  std::memcpy(src.get_data_handle(), x.data(), x.size());
  auto w = randomBytes<int8_t>(filters * channels * kh * kw, 2);
  dnnl::memory wPlain({{filters, channels, kh, kw}, dt::s8, tag::oihw},
                      c.engine, w.data());
  dnnl::memory weights = c.prepack(wPlain, pd.weights_desc());
  dnnl::memory srcZp = c.zeroPoint(128), dstZp = c.zeroPoint(3);
  dnnl::convolution_forward conv(pd);
  std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC, src},
      {DNNL_ARG_WEIGHTS, weights},
      {DNNL_ARG_DST, dst},
      {DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, srcZp},
      {DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST, dstZp}};
  double seconds = timeMedian([&] {
    conv.execute(c.stream, args);
    c.stream.wait();
  });
  std::printf("seconds %.9g\n", seconds);
}

//===----------------------------------------------------------------------===//
// XNNPACK (s8 x s8 -> s8, per-tensor)
//===----------------------------------------------------------------------===//

struct XnnpackCase {
  pthreadpool_t pool;
  xnn_operator_t op = nullptr;

  explicit XnnpackCase(long threads) {
    if (xnn_initialize(nullptr) != xnn_status_success)
      fail("xnn_initialize failed (does this CPU lack SSE2?)");
    pool = pthreadpool_create(threads);
  }
  ~XnnpackCase() {
    xnn_delete_operator(op);
    pthreadpool_destroy(pool);
  }
  void check(xnn_status status, const char *what) {
    if (status != xnn_status_success)
      fail(std::string("XNNPACK ") + what + " failed: status " +
           std::to_string(status));
  }
  double time() {
    return timeMedian([&] { check(xnn_run_operator(op, pool), "run"); });
  }
};

void runXnnpackMatmul(long m, long k, long n, long threads) {
  XnnpackCase c(threads);
  auto a = randomBytes<int8_t>(m * k, 1);
  auto w = randomBytes<int8_t>(n * k, 2); // [N][K], as XNNPACK packs it
  std::vector<int32_t> bias(n, 0);
  std::vector<int8_t> out(m * n);
  c.check(xnn_create_fully_connected_nc_qs8(
              k, n, k, n, /*input_zero_point=*/0, 0.05f, 0.01f, w.data(),
              bias.data(), /*output_zero_point=*/3, 0.5f, -128, 127,
              /*flags=*/0, &c.op),
          "create fully_connected_nc_qs8");
  c.check(xnn_setup_fully_connected_nc_qs8(c.op, m, a.data(), out.data(),
                                           c.pool),
          "setup");
  std::printf("seconds %.9g\n", c.time());
}

void runXnnpackConv(long batch, long channels, long height, long width,
                    long filters, long kh, long kw, long threads) {
  XnnpackCase c(threads);
  long oh = height, ow = width; // "same" padding, stride 1
  auto x = randomBytes<int8_t>(batch * height * width * channels, 1);
  auto w = randomBytes<int8_t>(filters * kh * kw * channels, 2);
  std::vector<int32_t> bias(filters, 0);
  std::vector<int8_t> out(batch * oh * ow * filters);
  c.check(xnn_create_convolution2d_nhwc_qs8(
              kh / 2, kw / 2, kh / 2, kw / 2, kh, kw, 1, 1, 1, 1,
              /*groups=*/1, channels, filters, channels, filters,
              /*input_zero_point=*/0, 0.05f, 0.01f, w.data(), bias.data(),
              /*output_zero_point=*/3, 0.5f, -128, 127, /*flags=*/0, &c.op),
          "create convolution2d_nhwc_qs8");
  c.check(xnn_setup_convolution2d_nhwc_qs8(c.op, batch, height, width,
                                           x.data(), out.data(), c.pool),
          "setup");
  std::printf("seconds %.9g\n", c.time());
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2)
    fail("usage: quantc-bench-peers CASE ARGS... (see bench/peers.cpp)");
  std::string which = argv[1];
  std::vector<long> n;
  auto counts = [&](int expected) {
    if (argc != expected + 2)
      fail(which + " takes " + std::to_string(expected) + " arguments");
    for (int i = 2; i < argc; ++i)
      n.push_back(parseCount(argv[i]));
  };
  if (which == "peak") {
    counts(1);
    runPeak(n[0]);
  } else if (which == "bandwidth") {
    counts(2);
    runBandwidth(n[0], n[1]);
  } else if (which == "dnnl-matmul") {
    counts(4);
    runDnnlMatmul(n[0], n[1], n[2]);
  } else if (which == "xnnpack-matmul") {
    counts(4);
    runXnnpackMatmul(n[0], n[1], n[2], n[3]);
  } else if (which == "dnnl-conv") {
    counts(8);
    runDnnlConv(n[0], n[1], n[2], n[3], n[4], n[5], n[6]);
  } else if (which == "xnnpack-conv") {
    counts(8);
    runXnnpackConv(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]);
  } else {
    fail("unknown case '" + which + "'");
  }
  return 0;
}
