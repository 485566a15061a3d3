import type { App } from '../../../platform/http/inputs.js';
import { profileKit, type ProfileRoutesDeps } from './route-kit.js';
import { registerAddressRoutes } from './routes.addresses.js';
import { registerProfilePageRoutes } from './routes.profile.js';
import { registerSettingsRoutes } from './routes.settings.js';

export type { ProfileRoutesDeps };

/**
 * Profile and settings (ACC-8): thin handlers over ProfileService. Every page works on the signed-in person's own
 * account (the session's account id; no account id ever comes from the request). Changing the email or the
 * recovery email needs a recent full authentication (sign-in/reauth.ts); the pages their links open are public,
 * because the link may be opened on another device, and the link's token alone names the account and the address.
 */
export function registerProfileRoutes(app: App, deps: ProfileRoutesDeps): void {
  const kit = profileKit(deps);
  registerProfilePageRoutes(app, deps.profiles, kit);
  registerSettingsRoutes(app, deps, kit);
  registerAddressRoutes(app, deps.profiles, kit);
}
