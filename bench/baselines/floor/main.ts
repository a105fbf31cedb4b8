import 'reflect-metadata';
import { readBaselineConfig } from '../shared/baseline-config.js';
import { listen } from '../shared/listen.js';
import { FloorAppModule } from './app.module.js';

const config = readBaselineConfig();
await listen(FloorAppModule.forConfig(config), config, 'floor baseline');
