// Where browser tests save the screenshots people look at before resolving an issue: git-ignored test-results/screens, or the
// folder named by PUMPWATCH_SCREENSHOT_DIR.
import path from 'node:path';

export const SCREENS = process.env.PUMPWATCH_SCREENSHOT_DIR ?? path.join(__dirname, '..', '..', 'test-results', 'screens');
