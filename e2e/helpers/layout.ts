import type { Locator } from '@playwright/test';

/**
 * Words broken across two lines inside the element: for every line break in its rendered text, the letters just
 * before and after the break, when both belong to one word of at most `maxWord` letters ("fold|er"). Long unbroken
 * tokens (paths, ids) may break where they must; short words never. Returns "word (before|after)" per break.
 */
export async function midWordBreaks(root: Locator, maxWord = 20): Promise<string[]> {
  return root.evaluate((el, max) => {
    const out: string[] = [];
    const letter = /[\p{L}\p{N}]/u;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      const text = node.data;
      if (text.trim().length < 2) continue;
      const style = node.parentElement && getComputedStyle(node.parentElement);
      if (!style || style.visibility === 'hidden' || style.display === 'none') continue;
      let prevTop: number | null = null;
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const r = range.getClientRects()[0];
        if (!r || r.width === 0) continue;
        if (
          prevTop !== null &&
          r.top > prevTop + r.height / 2 &&
          letter.test(text[i]) &&
          i > 0 &&
          letter.test(text[i - 1])
        ) {
          let a = i - 1;
          while (a > 0 && letter.test(text[a - 1])) a--;
          let b = i;
          while (b < text.length && letter.test(text[b])) b++;
          if (b - a <= max) out.push(`${text.slice(a, b)} (${text.slice(a, i)}|${text.slice(i, b)})`);
        }
        prevTop = r.top;
      }
    }
    return out;
  }, maxWord);
}
