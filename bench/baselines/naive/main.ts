import 'reflect-metadata';
import { readBaselineConfig } from '../shared/baseline-config.js';
import { listen } from '../shared/listen.js';
import { NaiveAppModule } from './app.module.js';

const config = readBaselineConfig();
await listen(NaiveAppModule.forConfig(config), config, 'naive baseline');
