// Compares the v1 and v1beta1 messages the Vertex backend sends over v1beta1 methods: every v1 field must have the same
// number, type and label in v1beta1 (v1 messages then encode v1beta1 messages, and v1beta1 answers parse as v1 with the
// extra fields kept as unknown fields). Prints the v1beta1-only fields.
const path = require('path');
const npm = process.env.VTX_NPM || path.join(process.env.HOME, '.cache/inferscale-checks/vertex');
const protobuf = require(path.join(npm, 'node_modules/protobufjs'));
const base = path.join(npm, 'node_modules/@google-cloud/aiplatform/build/protos');
const gax = path.join(npm, 'node_modules/google-gax/build/protos');
function load(v) {
  const root = new protobuf.Root();
  root.resolvePath = (o, t) => { for (const d of [base, gax, path.join(npm, 'node_modules/protobufjs')]) { const f = path.join(d, t); if (require('fs').existsSync(f)) return f; } return t; };
  root.loadSync([`google/cloud/aiplatform/${v}/endpoint_service.proto`], { keepCase: true });
  root.resolveAll();
  return root;
}
const r1 = load('v1'), rb = load('v1beta1');
const roots = process.argv.slice(2);
const seen = new Set(); let bad = 0, extra = [];
function typeName(f) { return f.resolvedType ? f.resolvedType.fullName.replace('.v1beta1.', '.v1.') : f.type; }
function walk(name) {
  if (seen.has(name)) return; seen.add(name);
  const a = r1.lookupType('google.cloud.aiplatform.v1.' + name), b = rb.lookupType('google.cloud.aiplatform.v1beta1.' + name);
  for (const f of a.fieldsArray) {
    const g = b.fieldsById[f.id];
    const sig = x => `${x.name}:${x.repeated ? 'repeated ' : ''}${x.map ? 'map<' + x.keyType + ',' : ''}${typeName(x)}${x.map ? '>' : ''}`;
    if (!g) { console.log(`MISSING in v1beta1: ${name}.${f.name} = ${f.id}`); bad++; continue; }
    if (sig(f) !== sig(g)) { console.log(`DIFFERS ${name} #${f.id}: v1 ${sig(f)} / v1beta1 ${sig(g)}`); bad++; }
    if (f.resolvedType instanceof protobuf.Type && f.resolvedType.fullName.startsWith('.google.cloud.aiplatform.v1.'))
      walk(f.resolvedType.fullName.slice('.google.cloud.aiplatform.v1.'.length));
  }
  for (const g of b.fieldsArray) if (!a.fieldsById[g.id]) extra.push(`${name}.${g.name} = ${g.id} (${g.type})`);
}
roots.forEach(walk);
console.log(`checked ${seen.size} messages: ${[...seen].sort().join(', ')}`);
console.log(`${bad} incompatible fields`);
console.log(`v1beta1-only fields (kept as unknown fields when parsed as v1):\n  ` + extra.join('\n  '));
process.exit(bad ? 1 : 0);
