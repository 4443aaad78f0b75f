// Unit tests call the pipeline's steps directly: load the libraries a CLI run loads on demand.
import { loadHandlebars, loadYaml } from '../src/engines.js';

await loadHandlebars();
await loadYaml();
