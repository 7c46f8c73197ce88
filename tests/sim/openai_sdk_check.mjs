// Drives the simulator with the official `openai` npm package (a client nobody here wrote):
// models, completion, chat completion, both streamed with include_usage, and typed errors.
// Usage: node openai_sdk_check.mjs <base url> <npm node_modules dir> <model>
// Prints one JSON summary line and exits 0, or prints the failure and exits 1.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , baseURL, npmDir, model] = process.argv;
const { default: OpenAI } = await import(pathToFileURL(path.join(npmDir, 'openai', 'index.mjs')).href);

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
}

const client = new OpenAI({ baseURL: baseURL + '/v1', apiKey: 'sk-simulated', maxRetries: 0, timeout: 30000 });
const summary = {};
try {
  const models = await client.models.list();
  check(models.data.length === 1 && models.data[0].id === model, 'models.list: ' + JSON.stringify(models.data));
  check(models.data[0].owned_by === 'vllm', 'owned_by');

  const completion = await client.completions.create({ model, prompt: 'Hello from node', max_tokens: 5 });
  check(completion.id.startsWith('cmpl-'), 'completion id');
  check(completion.choices[0].text.length > 0, 'completion text');
  check(completion.choices[0].finish_reason === 'length', 'completion finish_reason');
  check(completion.usage.completion_tokens === 5, 'completion usage');
  summary.completion = completion.choices[0].text;

  const chat = await client.chat.completions.create({
    model,
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi!' }],
    max_completion_tokens: 6,
  });
  check(chat.id.startsWith('chatcmpl-'), 'chat id');
  check(chat.choices[0].message.role === 'assistant', 'chat role');
  check(chat.choices[0].message.content.length > 0, 'chat content');
  check(chat.usage.completion_tokens === 6, 'chat usage');
  summary.chat = chat.choices[0].message.content;

  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Stream please' }],
    max_tokens: 7,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let contentChunks = 0;
  let usage = null;
  let finish = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    if (chunk.choices.length > 0) {
      const delta = chunk.choices[0].delta;
      if (delta.content) {
        text += delta.content;
        contentChunks += 1;
      }
      if (chunk.choices[0].finish_reason) finish = chunk.choices[0].finish_reason;
    }
  }
  check(contentChunks === 7, 'stream content chunks: ' + contentChunks);
  check(finish === 'length', 'stream finish_reason');
  check(usage && usage.completion_tokens === 7, 'stream usage');
  summary.stream = text;

  const cstream = await client.completions.create({ model, prompt: 'Count', max_tokens: 3, stream: true });
  let ctext = '';
  for await (const chunk of cstream) ctext += chunk.choices[0]?.text ?? '';
  check(ctext.length > 0, 'completion stream text');

  try {
    await client.completions.create({ model: 'no-such-model', prompt: 'x', max_tokens: 1 });
    check(false, 'unknown model accepted');
  } catch (e) {
    check(e instanceof OpenAI.NotFoundError && e.status === 404, 'unknown model error: ' + e);
  }
  try {
    await client.completions.create({ model, prompt: 'x', max_tokens: 1000000 });
    check(false, 'context length accepted');
  } catch (e) {
    check(e instanceof OpenAI.BadRequestError && /maximum context length/.test(e.message), 'context error: ' + e);
  }
  console.log(JSON.stringify({ ok: true, ...summary }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.stack ? e.stack : e) }));
  process.exit(1);
}
