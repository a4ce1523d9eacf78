/**
 * Style blocks several screens share, so a summary reads the same in Back Up Now's confirmation and in its online
 * parts, and a list of problems scrolls the same wherever a task reports one. Spread into a screen's makeStyles.
 */
import { tokens, type GriffelStyle } from '@fluentui/react-components';

/** A two-column summary: labels (th) on the left, values (td) that wrap anywhere on the right. */
export const summaryTableStyle: GriffelStyle = {
  borderCollapse: 'collapse',
  '& th': {
    textAlign: 'left',
    verticalAlign: 'top',
    paddingRight: tokens.spacingHorizontalL,
    fontWeight: tokens.fontWeightSemibold,
    whiteSpace: 'nowrap',
  },
  '& td': { overflowWrap: 'anywhere', paddingBottom: tokens.spacingVerticalXS },
};

/** A task's figures as a <dl>: tiles that fill the row (figureGridStyle), each a small label over a bold value. */
export const figureGridStyle: GriffelStyle = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))',
  gap: tokens.spacingVerticalS,
  margin: 0,
};
export const figureStyle: GriffelStyle = {
  margin: 0,
  '& dt': { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  '& dd': { margin: 0, fontWeight: tokens.fontWeightSemibold },
};

/** A bulleted list of paths or problems that scrolls past `maxHeight`. */
export const scrollingListStyle = (maxHeight: string): GriffelStyle => ({
  maxHeight,
  overflowY: 'auto',
  margin: 0,
  paddingLeft: tokens.spacingHorizontalL,
  overflowWrap: 'anywhere',
});
