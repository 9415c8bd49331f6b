// The version string, set from package.json by the build (esbuild define); 'dev' when run from source.
declare const SIPBOX_VERSION: string | undefined;

export const VERSION: string = typeof SIPBOX_VERSION === 'string' ? SIPBOX_VERSION : 'dev';
export const PRODUCT = 'sipbox';
export const USER_AGENT = `${PRODUCT}/${VERSION}`;
