// service's screens in zh-CN: every page of the navigation (see lib/screens.mjs).
import { visitScreens } from './lib/screens.mjs';

visitScreens('service', 'zh-CN');
