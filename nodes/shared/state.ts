/**
 * Every piece of state that outlives one execution lives here, registered by name with a line
 * that says its scope. Node code keeps no module-level Map of its own: it asks `processState` for
 * its store, so a reader (or the README's "Scaling out" table) finds all of it in one list, and a
 * test clears all of it with one `resetProcessState()`.
 *
 * Scope words used in the lines:
 * - "per process": one n8n process. With `EXECUTIONS_MODE=queue` every worker has its own, so
 *   what needs to hold across workers is done in the workflows (Redis / Postgres nodes), and this
 *   state is only the fast path in front of it.
 */

interface Clearable {
	clear(): void;
}

interface Entry {
	scope: string;
	value: Clearable;
}

const registry = new Map<string, Entry>();

/** The store registered under `name`, created on first use. */
export function processState<T extends Clearable>(name: string, scope: string, create: () => T): T {
	const existing = registry.get(name);
	if (existing) return existing.value as T;
	const value = create();
	registry.set(name, { scope, value });
	return value;
}

/** Empties every registered store (tests; a node never calls it). */
export function resetProcessState(): void {
	for (const entry of registry.values()) entry.value.clear();
}

/** Name and scope of every store created so far, for documentation and diagnostics. */
export function describeProcessState(): Array<{ name: string; scope: string }> {
	return [...registry.entries()].map(([name, entry]) => ({ name, scope: entry.scope }));
}
