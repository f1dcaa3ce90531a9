/* forecast.h: `tersa forecast` (see analytics/forecast.h for the methods). */
#ifndef TERSA_CLI_FORECAST_H
#define TERSA_CLI_FORECAST_H

/* tersa forecast --period M --horizon H [--model NAME]: argv[0] is
 * "forecast". Reads one number a line on stdin, writes one JSON object.
 * Exit 0, 1 on bad input (with the line number), 2 on bad usage. */
int cli_forecast(int argc, char **argv);

#endif
