/* itemsets.h: `tersa itemsets`, frequent itemsets of baskets read from
 * standard input, one transaction per line. */
#ifndef TERSA_CLI_ITEMSETS_H
#define TERSA_CLI_ITEMSETS_H

/* tersa itemsets --min-support S [--max-size K]: argv[0] is "itemsets".
 * Exit 0, 1 on bad input (line number on stderr), 2 on bad usage. */
int cli_itemsets(int argc, char **argv);

#endif
