// The recommender's flags: the shared command line (@modelwatch/command-line) with RECOMMENDER_<FLAG> variables.
import { commandLine } from '@modelwatch/command-line';

export { fraction, integer, oneOf, UsageError, type Flag } from '@modelwatch/command-line';
export const { envName, usage, readFlags } = commandLine('recommender');
