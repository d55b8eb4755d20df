// Decodes the binary DeployModelRequest the backend sends (v1 message with the v1beta1 fields as unknown fields) with the
// official v1beta1 protos and prints it in the proto3 JSON mapping.
const path = require('path'), fs = require('fs');
const npm = process.env.VTX_NPM || path.join(process.env.HOME, '.cache/inferscale-checks/vertex');
const protobuf = require(path.join(npm, 'node_modules/protobufjs'));
const base = path.join(npm, 'node_modules/@google-cloud/aiplatform/build/protos'), gax = path.join(npm, 'node_modules/google-gax/build/protos');
const root = new protobuf.Root();
root.resolvePath = (o, t) => { for (const d of [base, gax, path.join(npm, 'node_modules/protobufjs')]) { const f = path.join(d, t); if (fs.existsSync(f)) return f; } return t; };
root.loadSync(['google/cloud/aiplatform/v1beta1/endpoint_service.proto']); root.resolveAll();
const T = root.lookupType('google.cloud.aiplatform.v1beta1.DeployModelRequest');
const m = T.decode(fs.readFileSync(process.argv[2]));
console.log(JSON.stringify(T.toObject(m, { longs: Number, defaults: false }), null, 1));
