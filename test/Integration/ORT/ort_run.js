#!/usr/bin/env node
// ===- ort_run.js - Run an ONNX model with ONNX Runtime on .npy data -----=== //
//
// Part of the QuantC project, under the Apache License v2.0 with LLVM
// Exceptions. See LICENSE for license information.
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//
// ===---------------------------------------------------------------------=== //
//
//   node ort_run.js MODEL.onnx --input A.npy [...] [--output OUT.npy ...]
//                   [--opt-level disabled|basic|extended|all] [--threads N]
//                   [--save-optimized OUT.onnx] [--ort DIR]
//                   [--time SECONDS [--evict-cache BYTES]]
//
// ONNX Runtime (npm onnxruntime-node, CPU provider) is QuantC's numerics
// reference: this runs MODEL once on the .npy inputs (one per graph input,
// in order) and writes one .npy per graph output. The .npy reader/writer is
// written here so that the reference needs nothing but node and the package.
// --save-optimized writes the graph ORT runs after its optimizations (which
// QDQ groups it fused into integer kernels such as QLinearConv).
// --time (bench/run.py) runs the model repeatedly for at least SECONDS
// after a warm-up and prints `seconds <median seconds per run>`;
// --evict-cache touches a buffer of BYTES before each timed run.
// --ort names the onnxruntime-node directory (default: the one that
// scripts/install-deps.sh puts in <repo>/.deps/node_modules).
//
// Exit status: 0 on success, 1 on any error (with a message on stderr).

'use strict';

const fs = require('fs');
const path = require('path');

function fail(message) {
  process.stderr.write(`ort_run: error: ${message}\n`);
  process.exit(1);
}

// --- .npy (format versions 1.0, 2.0, 3.0; little-endian, C order) ---------

// descr (without byte order) -> ORT tensor type and typed array.
const DTYPES = {
  f4: ['float32', Float32Array], f8: ['float64', Float64Array],
  i1: ['int8', Int8Array], u1: ['uint8', Uint8Array],
  i2: ['int16', Int16Array], u2: ['uint16', Uint16Array],
  i4: ['int32', Int32Array], u4: ['uint32', Uint32Array],
  i8: ['int64', BigInt64Array], u8: ['uint64', BigUint64Array],
  b1: ['bool', Uint8Array],
};
const DESCR_OF_TYPE = {
  float32: '<f4', float64: '<f8', int8: '|i1', uint8: '|u1', int16: '<i2',
  uint16: '<u2', int32: '<i4', uint32: '<u4', int64: '<i8', uint64: '<u8',
  bool: '|b1',
};

function readNpy(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    fail(`cannot read '${file}': ${e.message}`);
  }
  const bad = (why) => fail(`'${file}' is not a readable .npy file: ${why}`);
  if (buf.length < 10 || buf.readUInt8(0) !== 0x93 ||
      buf.toString('latin1', 1, 6) !== 'NUMPY')
    bad('no .npy magic');
  const major = buf.readUInt8(6);
  let headerLen, headerStart;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12)
      bad('truncated header');
    headerLen = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    bad(`format version ${major} is not supported`);
  }
  if (headerStart + headerLen > buf.length)
    bad('truncated header');
  const header = buf.toString('latin1', headerStart, headerStart + headerLen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape)
    bad(`header without descr, fortran_order or shape: ${header.trim()}`);
  if (fortran[1] === 'True')
    bad('Fortran-order arrays are not supported');
  const order = descr[1][0], kind = descr[1].slice(1);
  if (!(kind in DTYPES))
    bad(`dtype '${descr[1]}' is not supported`);
  if (order === '>' && kind[1] !== '1')
    bad(`big-endian dtype '${descr[1]}' is not supported`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s)
                   .map((s) => {
                     if (!/^\d+$/.test(s))
                       bad(`bad shape '(${shape[1]})'`);
                     return Number(s);
                   });
  const [type, ArrayType] = DTYPES[kind];
  const count = dims.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const bytes = count * ArrayType.BYTES_PER_ELEMENT;
  if (buf.length - dataStart !== bytes)
    bad(`${buf.length - dataStart} data bytes, expected ${bytes} for shape ` +
        `(${dims.join(', ')})`);
  // Copy to an aligned buffer: typed arrays need their element alignment.
  const data = new ArrayType(count);
  Buffer.from(data.buffer).set(buf.subarray(dataStart, dataStart + bytes));
  return {type, dims, data};
}

function writeNpy(file, type, dims, data) {
  const descr = DESCR_OF_TYPE[type];
  if (!descr)
    fail(`cannot write an output of type '${type}' to '${file}'`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header =
      `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad so that the data starts on a 64-byte boundary (the .npy 1.0 rule).
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const prefix = Buffer.alloc(10);
  prefix.writeUInt8(0x93, 0);
  prefix.write('NUMPY', 1, 'latin1');
  prefix.writeUInt8(1, 6);
  prefix.writeUInt8(0, 7);
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  try {
    fs.writeFileSync(file,
                     Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]));
  } catch (e) {
    fail(`cannot write '${file}': ${e.message}`);
  }
}

// --- command line ----------------------------------------------------------

function parseArgs(argv) {
  const args = {model: null, inputs: [], outputs: [], optLevel: 'all',
                threads: 1, optimized: null, timeSeconds: 0, evictBytes: 0,
                ort: path.join(__dirname, '..', '..', '..', '.deps',
                               'node_modules', 'onnxruntime-node')};
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length)
        fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--input') args.inputs.push(value());
    else if (a === '--output') args.outputs.push(value());
    else if (a === '--opt-level') args.optLevel = value();
    else if (a === '--threads') args.threads = Number(value());
    else if (a === '--ort') args.ort = value();
    else if (a === '--save-optimized') args.optimized = value();
    else if (a === '--time') args.timeSeconds = Number(value());
    else if (a === '--evict-cache') args.evictBytes = Number(value());
    else if (a === '-h' || a === '--help') {
      process.stdout.write(
          'usage: ort_run.js MODEL.onnx --input A.npy [...] ' +
          '[--output OUT.npy ...]\n' +
          '                  [--opt-level disabled|basic|extended|all] ' +
          '[--threads N]\n' +
          '                  [--save-optimized OUT.onnx] [--ort DIR] ' +
          '[--time SECONDS [--evict-cache BYTES]]\n');
      process.exit(0);
    } else if (a.startsWith('-')) fail(`unknown option '${a}'`);
    else if (args.model === null) args.model = a;
    else fail(`unexpected argument '${a}' (one model only)`);
  }
  if (args.model === null)
    fail('no model given');
  if (!['disabled', 'basic', 'extended', 'all'].includes(args.optLevel))
    fail(`--opt-level must be disabled, basic, extended or all, got ` +
         `'${args.optLevel}'`);
  if (!Number.isInteger(args.threads) || args.threads < 1)
    fail('--threads must be a positive integer');
  if (!(args.timeSeconds >= 0))
    fail('--time must be a number of seconds');
  if (!Number.isInteger(args.evictBytes) || args.evictBytes < 0)
    fail('--evict-cache must be a number of bytes');
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let ort;
  try {
    ort = require(args.ort);
  } catch (e) {
    fail(`cannot load onnxruntime-node from '${args.ort}' (run ` +
         `scripts/install-deps.sh): ${e.message.split('\n')[0]}`);
  }
  if (!fs.existsSync(args.model))
    fail(`cannot read '${args.model}'`);
  let session;
  try {
    session = await ort.InferenceSession.create(args.model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: args.optLevel,
      intraOpNumThreads: args.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      ...(args.optimized ? {optimizedModelFilePath: args.optimized} : {}),
    });
  } catch (e) {
    fail(`ONNX Runtime cannot load '${args.model}': ${e.message}`);
  }
  const arrays = args.inputs.map(readNpy);
  const names = session.inputNames;
  if (arrays.length !== names.length)
    fail(`the model has ${names.length} input(s) (${names.join(', ')}), ` +
         `got ${arrays.length} --input`);
  if (args.outputs.length > session.outputNames.length)
    fail(`the model has ${session.outputNames.length} output(s), got ` +
         `${args.outputs.length} --output`);
  const feeds = {};
  names.forEach((name, i) => {
    feeds[name] = new ort.Tensor(arrays[i].type, arrays[i].data,
                                 arrays[i].dims);
  });
  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    fail(`ONNX Runtime failed to run '${args.model}': ${e.message}`);
  }
  args.outputs.forEach((file, i) => {
    const t = results[session.outputNames[i]];
    writeNpy(file, t.type, t.dims, t.data);
  });
  if (args.timeSeconds > 0)
    await printMedianSeconds(session, feeds, args.timeSeconds, args.evictBytes);
}

// Median seconds per session.run over at least `minSeconds` (and 5 runs),
// after 3 warm-up runs; the median resists the other core's noise. With
// `evictBytes`, one byte per cache line of a buffer that large is touched
// before each timed run, so the weights come from memory.
async function printMedianSeconds(session, feeds, minSeconds, evictBytes) {
  for (let i = 0; i < 3; ++i)
    await session.run(feeds);
  const evictionBuffer = new Uint8Array(evictBytes);
  const samples = [];
  let total = 0;
  while (total < minSeconds || samples.length < 5) {
    for (let i = 0; i < evictionBuffer.length; i += 64)
      evictionBuffer[i] += 1;
    const start = process.hrtime.bigint();
    await session.run(feeds);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    samples.push(seconds);
    total += seconds;
  }
  samples.sort((a, b) => a - b);
  process.stdout.write(`seconds ${samples[samples.length >> 1]}\n`);
}

main().catch((e) => fail(e.stack || String(e)));
