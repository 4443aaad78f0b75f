// Unit tests call the pipeline's steps directly: load the libraries a CLI run loads on demand.
import { loadHandlebars, loadYaml } from '../src/core/libs.js';

await loadHandlebars();
await loadYaml();
