import { createInterface } from 'node:readline/promises';

/** One question on the terminal (prompt on stderr, so stdout stays the command's output). */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
