/*===- CalibrationCAPI.h - C ABI of the calibration runtime -------*- C -*-===*\
|*                                                                            *|
|* Part of the QuantC project, under the Apache License v2.0 with LLVM        *|
|* Exceptions. See LICENSE for license information.                           *|
|* SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception                    *|
|*                                                                            *|
|*===----------------------------------------------------------------------===*|
|*                                                                            *|
|* What instrumented (JIT- or AOT-compiled) models and foreign-language       *|
|* bindings call: plain C types, no exceptions, errors as a non-zero return   *|
|* with the message in quantc_calibration_last_error. A model calls           *|
|* quantc_observe_f32 once per observed tensor per batch with the dense       *|
|* C-order data and its shape (a StridedMemRef's aligned pointer + offset and *|
|* sizes, when the memref is contiguous). docs/Calibration.md.                *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QUANTC_RUNTIME_CALIBRATIONCAPI_H
#define QUANTC_RUNTIME_CALIBRATIONCAPI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct QuantcCalibrationSession QuantcCalibrationSession;

/* A new, empty session; free it with quantc_calibration_destroy. */
QuantcCalibrationSession *quantc_calibration_create(void);
void quantc_calibration_destroy(QuantcCalibrationSession *session);

/* Adds an observer and returns its id (>= 0), or -1 on error.
 * channel_axis: -1 per tensor, else per channel along that axis.
 * histogram_bins: 0 for none (PyTorch's default is 2048).
 * upsample_rate: PyTorch HistogramObserver's (default 128).
 * averaging_constant: PyTorch MovingAverageMinMaxObserver's (default 0.01). */
int64_t quantc_calibration_add_observer(QuantcCalibrationSession *session,
                                        const char *name, int64_t channel_axis,
                                        int64_t histogram_bins,
                                        int64_t upsample_rate,
                                        float averaging_constant);

/* Streams one batch of observer `observer_id`: `data` holds the product of
 * `shape[0..rank)` floats in C order. Returns 0, or non-zero on error (the
 * statistics are then unchanged). */
int quantc_observe_f32(QuantcCalibrationSession *session, int64_t observer_id,
                       const float *data, const int64_t *shape, int64_t rank);

/* The same for a memref of any strides: `rank` and `descriptor` are what
 * MLIR's default LLVM lowering passes for a memref<*xf32> argument of an
 * external function (the ranked descriptor is {allocated, aligned, offset,
 * sizes[rank], strides[rank]}). Non-contiguous memrefs are gathered into C
 * order first. */
int quantc_observe_memref_f32(QuantcCalibrationSession *session,
                              int64_t observer_id, int64_t rank,
                              const void *descriptor);

/* Writes the statistics file; merges a statistics file into the session.
 * Return 0 or non-zero on error. */
int quantc_calibration_write_json(QuantcCalibrationSession *session,
                                  const char *path);
int quantc_calibration_merge_json(QuantcCalibrationSession *session,
                                  const char *path);

/* Scale and zero point of each channel of an observer.
 * method: "minmax", "moving-average", "percentile", "entropy", "mse".
 * parameter: the percentile for "percentile", else ignored.
 * convention: 0 ONNX Runtime, 1 PyTorch.
 * scales/zero_points: room for `capacity` channels; the channel count is
 * stored in *num_channels. Returns 0 or non-zero on error. */
int quantc_calibration_quant_params(QuantcCalibrationSession *session,
                                    int64_t observer_id, const char *method,
                                    double parameter, int64_t bits,
                                    int is_signed, int narrow_range,
                                    int symmetric, int convention,
                                    float *scales, int64_t *zero_points,
                                    int64_t capacity, int64_t *num_channels);

/* The real range [mins[i], maxs[i]] of each channel of an observer, before
 * any widening to include 0. method and parameter as above; levels: the
 * number of quantization levels (256 for 8 bits) for "entropy" and "mse".
 * Returns 0 or non-zero on error. */
int quantc_calibration_range(QuantcCalibrationSession *session,
                             int64_t observer_id, const char *method,
                             double parameter, int64_t levels, float *mins,
                             float *maxs, int64_t capacity,
                             int64_t *num_channels);

/* Finite, NaN and Inf sample counts of an observer, summed over channels.
 * Returns 0 or non-zero for an unknown id. */
int quantc_calibration_sample_counts(QuantcCalibrationSession *session,
                                     int64_t observer_id, int64_t *finite,
                                     int64_t *nan, int64_t *inf);

/* The last error message of this session ("" when none); valid until the
 * next call on the session. */
const char *quantc_calibration_last_error(QuantcCalibrationSession *session);

#ifdef __cplusplus
}
#endif

#endif /* QUANTC_RUNTIME_CALIBRATIONCAPI_H */
