/**
 * Reading a V8 `.cpuprofile` (what `node --cpu-prof` writes): self time per
 * function and per package, with the app bundle's lines mapped back to the
 * repository's sources through its source map.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  /** 0-based, -1 when unknown. */
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

/** The format `node --cpu-prof` writes; times in µs of the monotonic clock. */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The profile's samples between `from` and `to` (µs, the profile's clock), or all of them. */
export interface Window {
  fromUs: number;
  toUs: number;
}

export interface FunctionTime {
  functionName: string;
  /** Where it is: `pkg/file.js:line`, a repository path, `node:internal/…:line`, or nothing for V8's own entries. */
  location: string;
  group: string;
  selfUs: number;
  /**
   * The nearest caller outside Node.js and V8 (`function (where)`) that
   * accounts for most of this self time, and its share; what made a native
   * `writev` or a `node:net` function run.
   */
  topCaller: { frame: string; share: number } | null;
}

export interface ProfileSummary {
  /** Time covered by the samples counted (µs). */
  totalUs: number;
  samples: number;
  /** Samples of the whole profile, and its span (µs). */
  allSamples: number;
  spanUs: number;
  /** Mean sampling interval (µs). */
  intervalUs: number;
  /** Self time of `(idle)`: the app waiting for I/O. */
  idleUs: number;
  functions: FunctionTime[];
  groups: { group: string; selfUs: number }[];
}

/** Turns file URLs into something short and stable, and app bundle lines into source lines. */
export class Locator {
  private readonly maps = new Map<string, SourceMap | null>();

  constructor(
    /** The repository, to make paths relative. */
    private readonly repo: string,
    /** Bundles (by path) whose code is the app's own: their lines are mapped to sources. */
    private readonly bundles: Map<string, string>,
  ) {}

  /** `group` for the per-package roll-up; `location` for the function table. */
  locate(frame: CallFrame): { group: string; location: string } {
    const { url, functionName } = frame;
    const line = frame.lineNumber + 1;
    if (!url) {
      // V8's own entries: (garbage collector), (program), (idle), (root), and native code.
      return {
        group: functionName.startsWith('(') ? functionName : '(native)',
        location: '',
      };
    }
    if (url.startsWith('node:'))
      return { group: 'node:internal', location: `${url}:${line}` };
    let path = url;
    if (url.startsWith('file://')) {
      try {
        path = fileURLToPath(url);
      } catch {
        path = url;
      }
    }
    const bundle = this.bundles.get(path);
    if (bundle !== undefined) {
      const source = this.original(path, frame);
      return {
        group: `app (${bundle})`,
        location: source ?? `${bundle}:${line}`,
      };
    }
    const packageMatch =
      /[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)[/\\](.*)$/.exec(path);
    if (packageMatch) {
      const name = packageMatch[1]!.replace(/\\/g, '/');
      return {
        group: `node_modules/${name}`,
        location: `${name}/${packageMatch[2]!.replace(/\\/g, '/')}:${line}`,
      };
    }
    const relative = path.startsWith(`${this.repo}/`)
      ? path.slice(this.repo.length + 1)
      : path;
    return {
      group: relative.startsWith('dist/') ? relative : 'other',
      location: `${relative}:${line}`,
    };
  }

  /** `libs/iamport/src/….ts:line` from the bundle's source map, when it has one. */
  private original(bundle: string, frame: CallFrame): string | null {
    let map = this.maps.get(bundle);
    if (map === undefined) {
      map = null;
      const file = `${bundle}.map`;
      if (existsSync(file)) {
        try {
          map = new SourceMap(JSON.parse(readFileSync(file, 'utf8')));
        } catch {
          map = null;
        }
      }
      this.maps.set(bundle, map);
    }
    if (!map || frame.lineNumber < 0) return null;
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber);
    if (!('originalSource' in entry) || !entry.originalSource) return null;
    const source = entry.originalSource
      .replace(/^webpack:\/\/[^/]*\//, '')
      .replace(/^file:\/\//, '')
      .replace(/^(\.\.?\/)+/, '');
    const relative = source.startsWith(`${this.repo}/`)
      ? source.slice(this.repo.length + 1)
      : source;
    return `${relative}:${entry.originalLine + 1}`;
  }
}

/**
 * Self time per function (name + location) and per group. Each sample counts
 * the time until the next one (the last: until the profile's end), as
 * Chrome's DevTools count it; only samples within `window` when given.
 */
export function summarise(
  profile: CpuProfile,
  locator: Locator,
  window?: Window,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node);
  const selfById = new Map<number, number>();
  let at = profile.startTime;
  let totalUs = 0;
  let samples = 0;
  const count = profile.samples.length;
  for (let i = 0; i < count; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const next =
      i + 1 < count
        ? at + (profile.timeDeltas[i + 1] ?? 0)
        : Math.max(at, profile.endTime);
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const duration = Math.max(0, next - at);
    const id = profile.samples[i]!;
    selfById.set(id, (selfById.get(id) ?? 0) + duration);
    totalUs += duration;
    samples++;
  }
  const functions = new Map<string, FunctionTime>();
  const callers = new Map<string, Map<string, number>>();
  const groups = new Map<string, number>();
  let idleUs = 0;
  for (const [id, selfUs] of selfById) {
    const node = byId.get(id);
    if (!node) continue;
    const { group, location } = locator.locate(node.callFrame);
    const functionName = node.callFrame.functionName || '(anonymous)';
    if (functionName === '(idle)') idleUs += selfUs;
    const key = `${functionName}\u0000${location}`;
    const entry = functions.get(key);
    if (entry) entry.selfUs += selfUs;
    else
      functions.set(key, {
        functionName,
        location,
        group,
        selfUs,
        topCaller: null,
      });
    const caller = userCaller(node, parents, locator);
    if (caller) {
      const own = callers.get(key) ?? new Map<string, number>();
      own.set(caller, (own.get(caller) ?? 0) + selfUs);
      callers.set(key, own);
    }
    groups.set(group, (groups.get(group) ?? 0) + selfUs);
  }
  for (const [key, own] of callers) {
    const entry = functions.get(key)!;
    const [frame, us] = [...own.entries()].reduce((a, b) =>
      b[1] > a[1] ? b : a,
    );
    entry.topCaller = { frame, share: us / entry.selfUs };
  }
  return {
    totalUs,
    samples,
    allSamples: count,
    spanUs: profile.endTime - profile.startTime,
    intervalUs: count > 0 ? (profile.endTime - profile.startTime) / count : 0,
    idleUs,
    functions: [...functions.values()].sort((a, b) => b.selfUs - a.selfUs),
    groups: [...groups.entries()]
      .map(([group, selfUs]) => ({ group, selfUs }))
      .sort((a, b) => b.selfUs - a.selfUs),
  };
}

/** The first frame above `node` that is neither Node.js's own (`node:`) nor V8's (no script). */
function userCaller(
  node: ProfileNode,
  parents: Map<number, ProfileNode>,
  locator: Locator,
): string | null {
  for (let frame = parents.get(node.id); frame; frame = parents.get(frame.id)) {
    const { url } = frame.callFrame;
    if (!url || url.startsWith('node:')) continue;
    const { location } = locator.locate(frame.callFrame);
    return `${frame.callFrame.functionName || '(anonymous)'} (${location})`;
  }
  return null;
}
