// Installs the Debian packages tests need (see scripts/runtime/systemDeps.cjs); a no-op when present.
import systemDeps from './runtime/systemDeps.cjs';

try {
	const { installed } = systemDeps.ensureSystemPackages();
	if (installed.length > 0) process.stdout.write(`installed ${installed.join(' ')}\n`);
} catch (error) {
	process.stderr.write(`${error.message}\n`);
	process.exit(1);
}
