// Plain JavaScript, as a caller without types writes it: what createTalkingHead throws for a missing
// options object, a missing `models` and a device that is not there, and that the classes to catch come
// from @joyvasa/pipeline itself.
import { createTalkingHead, InvalidInputError, UnsupportedDeviceError } from '@joyvasa/pipeline';

async function thrown(work) {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

for (const [options, field] of [
  [undefined, 'options'],
  [{}, 'options.models'],
]) {
  const error = await thrown(createTalkingHead(options));
  if (!InvalidInputError.isInstance(error) || error.input !== field) {
    throw new Error(
      `createTalkingHead(${JSON.stringify(options)}) threw ${error}, not InvalidInputError(${field})`,
    );
  }
  console.log(`ok: ${error.message}`);
}
// Installed with ONNXRUNTIME_NODE_INSTALL=skip: no CUDA provider, so an explicit cuda fails at creation.
const cuda = await thrown(createTalkingHead({ models: './fixture-bundle', device: 'cuda' }));
if (!UnsupportedDeviceError.isInstance(cuda)) throw new Error(`device 'cuda' threw ${cuda}`);
console.log(`ok: ${cuda.message}`);
