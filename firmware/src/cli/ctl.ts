// `sipbox ctl METHOD [PARAMS-JSON]`: calls a JSON-RPC method of the running daemon over its
// control socket (Kamailio's kamcmd), e.g. `sipbox ctl ul.dump`, `sipbox ctl ul.rm '{"aor":"1001"}'`.
import { CtlRpcError, ctlCall, ctlSocketPath } from '../mgmt/ctl';

export const CTL_USAGE = `usage: sipbox ctl METHOD [PARAMS-JSON] [--data DIR]
  e.g. sipbox ctl core.uptime
       sipbox ctl ul.lookup '{"aor":"1001"}'`;

export interface CtlCommandOptions {
  dataDir: string;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Exit codes: 0 done, 1 the daemon answered with an error or is not running, 2 bad usage. */
export async function runCtlCommand(argv: string[], o: CtlCommandOptions): Promise<number> {
  const [method, paramsText, ...extra] = argv;
  if (method === undefined || method === '--help' || extra.length > 0) {
    for (const l of CTL_USAGE.split('\n')) (method === '--help' ? o.out : o.err)(l);
    return method === '--help' ? 0 : 2;
  }
  let params: unknown = undefined;
  if (paramsText !== undefined) {
    try {
      params = JSON.parse(paramsText);
    } catch {
      o.err(`sipbox ctl: PARAMS must be JSON, got ${paramsText}`);
      return 2;
    }
  }
  try {
    const result = await ctlCall(ctlSocketPath(o.dataDir), method, params);
    o.out(JSON.stringify(result, null, 2));
    return 0;
  } catch (err) {
    const e = err as Error;
    o.err(`sipbox ctl: ${e instanceof CtlRpcError ? `${method}: ${e.message} (code ${e.code})` : e.message}`);
    return 1;
  }
}
