// Runs every fixture the C# Engine tests left (artifacts/onnx-fixtures/<name>/model.onnx, input.npy, expected.npy)
// in onnxruntime-node 1.12.1 (the ONNX Runtime build DeepImageJ 3 installs by default) and compares with
// TorchSharp's output: max |actual - expected| / max |expected| must stay below 1e-4.
// Last line: "onnx-node tests: N passed, N failed".
import fs from "node:fs";
import path from "node:path";
import ort from "onnxruntime-node";
import { parse } from "npyjs";

const tolerance = 1e-4;
const runtime = JSON.parse(fs.readFileSync(new URL("./node_modules/onnxruntime-node/package.json", import.meta.url))).version;
const folder = path.resolve(process.argv[2] ?? "../../artifacts/onnx-fixtures");

function readNpy(file) {
  const bytes = fs.readFileSync(file);
  const array = parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (array.dtype !== "f4" || array.fortranOrder) throw new Error(`${file}: expected a C-order float32 array, got ${array.dtype}`);
  return array;
}

async function check(dir) {
  const session = await ort.InferenceSession.create(path.join(dir, "model.onnx"), { executionProviders: ["cpu"] });
  const input = readNpy(path.join(dir, "input.npy"));
  const expected = readNpy(path.join(dir, "expected.npy"));
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", input.data, input.shape) };
  const results = await session.run(feeds);
  const output = results[session.outputNames[0]];
  if (output.dims.join(",") !== expected.shape.join(",")) throw new Error(`output shape [${output.dims}] is not [${expected.shape}]`);
  let worst = 0, scale = 0;
  for (let i = 0; i < expected.data.length; i++) {
    worst = Math.max(worst, Math.abs(output.data[i] - expected.data[i]));
    scale = Math.max(scale, Math.abs(expected.data[i]));
  }
  const error = worst / Math.max(scale, 1e-12);
  if (!(error < tolerance)) throw new Error(`max relative error ${error.toExponential(2)} exceeds ${tolerance}`);
  return error;
}

let passed = 0, failed = 0;
const names = fs.existsSync(folder)
  ? fs.readdirSync(folder).filter(n => fs.existsSync(path.join(folder, n, "model.onnx"))).sort()
  : [];
if (names.length === 0) {
  console.log(`FAIL no fixtures in ${folder} (run the C# Engine tests first)`);
  failed++;
}
// expected.txt (written by the Engine tests from the network registry) names every network that must have a fixture.
const expectedList = path.join(folder, "expected.txt");
const expectedNames = fs.existsSync(expectedList)
  ? fs.readFileSync(expectedList, "utf8").split("\n").map(s => s.trim()).filter(Boolean)
  : [];
if (names.length > 0 && expectedNames.length === 0) {
  console.log(`FAIL ${expectedList} missing: cannot tell whether every network left a fixture`);
  failed++;
}
for (const name of expectedNames.filter(n => !names.includes(n))) {
  console.log(`FAIL ${name}: no fixture (its C# export test failed or did not run)`);
  failed++;
}
for (const name of names) {
  try {
    const error = await check(path.join(folder, name));
    console.log(`ok   ${name}: max relative error ${error.toExponential(2)} (onnxruntime-node ${runtime})`);
    passed++;
  } catch (e) {
    console.log(`FAIL ${name}: ${e.message}`);
    failed++;
  }
}
console.log(`onnx-node tests: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
