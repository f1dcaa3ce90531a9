// headoffice's screens in en: every page of the navigation (see lib/screens.mjs).
import { visitScreens } from './lib/screens.mjs';

visitScreens('headoffice', 'en');
