// manager01's screens in zh-CN: every page of the navigation (see lib/screens.mjs), and only their own stores' data.
import { visitScreens } from './lib/screens.mjs';

visitScreens('manager01', 'zh-CN', { scoped: true });
