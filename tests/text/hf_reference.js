// Reference ids from Hugging Face's own tokenizer (the `tokenizers` npm binding), for
// tokenizer_reference_test.cc. Usage:
//   node hf_reference.js <node_modules dir> <tokenizer.json> <in.json: [string, ...]> <out.json>
// Writes {"ids": [[id, ...], ...], "decoded": [string, ...]}: the ids of each input under
// encode(text, null, {addSpecialTokens: false}) and HF's decode of those ids.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [modulesDir, tokenizerPath, inPath, outPath] = process.argv.slice(2);
  const { Tokenizer } = require(path.join(modulesDir, 'tokenizers'));
  const tokenizer = Tokenizer.fromFile(tokenizerPath);
  const texts = JSON.parse(fs.readFileSync(inPath, 'utf8'));
  const ids = [];
  const decoded = [];
  for (const text of texts) {
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
    const row = Array.from(encoding.getIds());
    ids.push(row);
    decoded.push(await tokenizer.decode(row, false));
  }
  fs.writeFileSync(outPath, JSON.stringify({ ids, decoded }));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
