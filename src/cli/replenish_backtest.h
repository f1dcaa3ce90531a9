/* replenish_backtest.h: `tersa replenish-backtest` (today's min/max against
 * forecast-driven reorder points over a company's last days of sales). */
#ifndef TERSA_CLI_REPLENISH_BACKTEST_H
#define TERSA_CLI_REPLENISH_BACKTEST_H

/* tersa replenish-backtest --db DB [--days 90] [--service-level 0.95]
 * [--method auto|...] [--json]: argv[0] is "replenish-backtest". Exit 0, 1
 * on a failure, 2 on bad usage. */
int cli_replenish_backtest(int argc, char **argv);

#endif
