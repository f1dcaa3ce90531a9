# bench.R: the R side of bench/forecast. `Rscript bench.R prepare DIR` writes
# each series' training and test parts to DIR (never committed) and R's
# forecasts (snaive, ets(), auto.arima()) with their times; `Rscript bench.R
# report DIR` reads ours back, prints the table and the four goals.
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]
dir <- args[2]

names <- c("AirPassengers", "BJsales", "JohnsonJohnson", "LakeHuron", "Nile", "UKDriverDeaths",
           "UKgas", "USAccDeaths", "WWWusage", "airmiles", "austres", "co2", "discoveries",
           "fdeaths", "ldeaths", "lh", "lynx", "mdeaths", "nhtemp", "nottem", "presidents",
           "sunspot.year", "gas", "wineind", "woolyrnq")

getseries <- function(nm) {
  y <- if (exists(nm, where = "package:datasets")) get(nm, "package:datasets") else get(nm, "package:forecast")
  if (anyNA(y)) { # presidents: interior gaps interpolated linearly
    t <- seq_along(y)
    y[] <- approx(t[!is.na(y)], y[!is.na(y)], xout = t, rule = 2)$y
  }
  y
}

horizon <- function(m) if (m == 1) 6 else if (m == 4) 8 else 18

mase <- function(train, test, f, m) {
  lag <- if (m > 1) m else 1
  scale <- mean(abs(diff(as.numeric(train), lag = lag)))
  mean(abs(as.numeric(test) - as.numeric(f))) / scale
}

# CPU seconds of this process (user + system), as the shell measures ours.
cpu <- function() { p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }

wr <- function(v, file) writeLines(formatC(as.numeric(v), digits = 17, format = "g"), file)

if (mode == "prepare") {
  rows <- list()
  for (nm in names) {
    y <- getseries(nm)
    m <- frequency(y)
    h <- horizon(m)
    n <- length(y)
    train <- ts(y[1:(n - h)], start = start(y), frequency = m)
    test <- y[(n - h + 1):n]
    wr(train, file.path(dir, paste0(nm, ".train")))
    wr(test, file.path(dir, paste0(nm, ".test")))
    cat(m, h, "\n", file = file.path(dir, paste0(nm, ".meta")))
    fs <- snaive(train, h = h)$mean
    t0 <- cpu(); fit <- ets(train); fe <- forecast(fit, h = h)$mean; t_ets <- cpu() - t0
    t0 <- cpu(); fa <- forecast(auto.arima(train), h = h)$mean; t_ar <- cpu() - t0
    wr(fs, file.path(dir, paste0(nm, ".r_snaive")))
    rows[[nm]] <- data.frame(series = nm, m = m, n = n - h, h = h,
                             r_snaive = mase(train, test, fs, m), r_ets = mase(train, test, fe, m),
                             r_arima = mase(train, test, fa, m), r_ets_model = fit$method,
                             t_r_ets = t_ets, t_r_arima = t_ar)
  }
  write.table(do.call(rbind, rows), file.path(dir, "r.tsv"), sep = "\t", row.names = FALSE, quote = FALSE)
  quit(save = "no")
}

# report
readmean <- function(file) {
  s <- paste(readLines(file, warn = FALSE), collapse = "")
  v <- sub('.*"mean": \\[([^]]*)\\].*', "\\1", s)
  as.numeric(strsplit(v, ",")[[1]])
}
readmodel <- function(file) {
  s <- paste(readLines(file, warn = FALSE), collapse = "")
  sub(' \\(auto:.*', "", sub('.*"model": "([^"]*)".*', "\\1", s))
}
r <- read.delim(file.path(dir, "r.tsv"), stringsAsFactors = FALSE)
tm <- read.delim(file.path(dir, "ours.tsv"), header = FALSE, col.names = c("series", "method", "seconds"))
out <- list()
same_snaive <- TRUE
for (i in seq_len(nrow(r))) {
  nm <- r$series[i]; m <- r$m[i]
  train <- as.numeric(readLines(file.path(dir, paste0(nm, ".train"))))
  test <- as.numeric(readLines(file.path(dir, paste0(nm, ".test"))))
  os <- readmean(file.path(dir, paste0(nm, ".snaive.json")))
  oe <- readmean(file.path(dir, paste0(nm, ".ets.json")))
  oa <- readmean(file.path(dir, paste0(nm, ".auto.json")))
  rs <- as.numeric(readLines(file.path(dir, paste0(nm, ".r_snaive"))))
  if (length(os) != length(rs) || any(os != rs)) same_snaive <- FALSE
  ts_ets <- tm$seconds[tm$series == nm & tm$method == "ets"]
  ts_start <- tm$seconds[tm$series == nm & tm$method == "naive"]
  out[[nm]] <- data.frame(series = nm, m = m, n = r$n[i],
                          snaive = mase(train, test, os, m), R_snaive = r$r_snaive[i],
                          ets = mase(train, test, oe, m), R_ets = r$r_ets[i],
                          auto = mase(train, test, oa, m), R_arima = r$r_arima[i],
                          ets_ms = 1000 * ts_ets, start_ms = 1000 * ts_start,
                          R_ets_ms = 1000 * r$t_r_ets[i],
                          our_ets_model = readmodel(file.path(dir, paste0(nm, ".ets.json"))),
                          R_ets_model = r$r_ets_model[i],
                          auto_model = substr(readmodel(file.path(dir, paste0(nm, ".auto.json"))), 1, 40))
}
d <- do.call(rbind, out)
num <- c("snaive", "R_snaive", "ets", "R_ets", "auto", "R_arima")
pd <- d
pd[num] <- lapply(d[num], function(v) sprintf("%.3f", v))
pd$ets_ms <- sprintf("%.1f", d$ets_ms); pd$start_ms <- sprintf("%.1f", d$start_ms); pd$R_ets_ms <- sprintf("%.1f", d$R_ets_ms)
options(width = 250)
print(pd, row.names = FALSE)
mm <- colMeans(d[num])
cat("\nmean MASE:", paste(sprintf("%s %.4f", num, mm), collapse = ", "), "\n")
# ets_ms: CPU of one `tersa forecast --model ets` process, best of 3;
# start_ms: the same for `--model naive` (process start, reading, writing);
# the difference is the ETS work itself, what a job calling the library pays.
t_proc <- mean(d$ets_ms); t_r <- mean(d$R_ets_ms)
t_ours <- mean(pmax(d$ets_ms - d$start_ms, 0.1))
cat(sprintf("ets CPU time per series (mean): R ets()+forecast() %.1f ms; ours %.1f ms per process, %.1f ms without the process start (%.1f ms)\n",
            t_r, t_proc, t_ours, mean(d$start_ms)))
cat(sprintf("  ratio R/ours: %.1fx per process, %.1fx for the ETS work\n", t_r / t_proc, t_r / t_ours))
best_r <- min(mm[["R_ets"]], mm[["R_arima"]])
g <- c(same_snaive, mm[["ets"]] <= 1.03 * mm[["R_ets"]], mm[["auto"]] < best_r, t_r / t_ours >= 10)
pf <- ifelse(g, "PASS", "FAIL")
cat("\nGoals:\n")
cat(sprintf("  %s  our snaive identical to R's snaive on all %d series\n", pf[1], nrow(d)))
cat(sprintf("  %s  our ets mean MASE %.4f within 3%% of R's ets() %.4f (ratio %.3f)\n", pf[2], mm[["ets"]], mm[["R_ets"]], mm[["ets"]] / mm[["R_ets"]]))
cat(sprintf("  %s  our auto mean MASE %.4f below the best of R's ets() %.4f and auto.arima() %.4f\n", pf[3], mm[["auto"]], mm[["R_ets"]], mm[["R_arima"]]))
cat(sprintf("  %s  our ets %.1fx faster per series than R's ets() (goal 10x; %.1fx counting our process start)\n", pf[4], t_r / t_ours, t_r / t_proc))
