export { createStaticHandler, isolationHeaders, type StaticRoute } from './create-static-handler.js';
export { exampleViteConfig } from './example-vite-config.js';
export { writeFixtureModels, writeSlimFixtureModels } from './write-fixture-models.js';
