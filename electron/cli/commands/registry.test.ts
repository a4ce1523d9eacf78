import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, registerCommands } from './registry.ts';

describe('CLI command registry', () => {
  it('each module registers exactly the top-level commands listed for it (only that module is loaded to run one)', async () => {
    for (const m of COMMAND_MODULES) {
      const program = new Command('obc');
      (await m.load()).register(program);
      expect(program.commands.map((c) => c.name()).sort()).toEqual([...m.names].sort());
    }
  });

  it('a known command loads its module only; help or an unknown word loads every module', async () => {
    const one = new Command('obc');
    await registerCommands(one, 'backup');
    expect(one.commands.map((c) => c.name()).sort()).toEqual(['backup', 'restore', 'verify']);
    const all = new Command('obc');
    await registerCommands(all, undefined);
    expect(all.commands.length).toBe(COMMAND_MODULES.reduce((n, m) => n + m.names.length, 0));
    const unknown = new Command('obc');
    await registerCommands(unknown, 'nonsense');
    expect(unknown.commands.length).toBe(all.commands.length);
  });
});
