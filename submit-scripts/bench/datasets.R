# Exports classic labelled data sets from R packages (Debian: r-cran-mlbench, r-cran-modeldata, and
# the recommended packages MASS and datasets) as numeric CSV files for `bench.sh defaults`:
#   Rscript datasets.R OUT_DIR
# One file per set, OUT_DIR/<name>.csv: the first column `label` (a class name or a number), then
# numeric features: factors one-hot encoded (one column per level, missing values as a level of their
# own), ordered factors as their integer codes, logicals as 0/1; rows with a missing numeric value are
# dropped. OUT_DIR/index.tsv lists name, task (class or reg), package and R name.
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "."
dir.create(out, showWarnings = FALSE, recursive = TRUE)
suppressPackageStartupMessages({ library(mlbench); library(modeldata); library(MASS) })

numeric_frame <- function(d) {
  cols <- list()
  for (n in names(d)) {
    v <- d[[n]]
    if (is.logical(v)) {
      cols[[n]] <- as.numeric(v)
    } else if (is.ordered(v)) {
      cols[[n]] <- as.numeric(as.integer(v))
    } else if (is.factor(v) || is.character(v)) {
      v <- as.character(v)
      v[is.na(v)] <- "NA"
      levels <- sort(unique(v))
      if (length(levels) == 2 && !("NA" %in% levels)) {
        cols[[n]] <- as.numeric(v == levels[2])
      } else if (length(levels) <= 60) {
        for (l in levels) cols[[paste0(n, "_", make.names(l))]] <- as.numeric(v == l)
      }
    } else if (inherits(v, "Date")) {
      cols[[n]] <- as.numeric(v)
    } else {
      cols[[n]] <- as.numeric(v)
    }
  }
  as.data.frame(cols, check.names = FALSE)
}

index <- data.frame(name = character(), task = character(), package = character(), object = character())

export <- function(name, d, label, task, pkg, object, drop = character()) {
  d <- as.data.frame(d)
  d <- d[, setdiff(names(d), drop), drop = FALSE]
  y <- d[[label]]
  x <- d[, setdiff(names(d), label), drop = FALSE]
  x <- numeric_frame(x)
  keep <- stats::complete.cases(x) & !is.na(y)
  x <- x[keep, , drop = FALSE]
  y <- y[keep]
  # constant columns carry nothing (and some are constant after dropping rows)
  x <- x[, vapply(x, function(c) length(unique(c)) > 1, logical(1)), drop = FALSE]
  lab <- if (task == "class") as.character(y) else as.numeric(y)
  f <- data.frame(label = lab, x, check.names = FALSE)
  utils::write.csv(f, file.path(out, paste0(name, ".csv")), row.names = FALSE, quote = TRUE)
  index[nrow(index) + 1, ] <<- c(name, task, pkg, object)
}

get <- function(object, pkg) {
  e <- new.env()
  utils::data(list = object, package = pkg, envir = e)
  get0(object, envir = e)
}

# mlbench
export("boston", get("BostonHousing", "mlbench"), "medv", "reg", "mlbench", "BostonHousing")
export("breast-wisconsin", get("BreastCancer", "mlbench"), "Class", "class", "mlbench", "BreastCancer", drop = "Id")
export("dna", get("DNA", "mlbench"), "Class", "class", "mlbench", "DNA")
export("glass", get("Glass", "mlbench"), "Type", "class", "mlbench", "Glass")
export("house-votes", get("HouseVotes84", "mlbench"), "Class", "class", "mlbench", "HouseVotes84")
export("ionosphere", get("Ionosphere", "mlbench"), "Class", "class", "mlbench", "Ionosphere")
export("letter", get("LetterRecognition", "mlbench"), "lettr", "class", "mlbench", "LetterRecognition")
export("pima", get("PimaIndiansDiabetes", "mlbench"), "diabetes", "class", "mlbench", "PimaIndiansDiabetes")
export("satellite", get("Satellite", "mlbench"), "classes", "class", "mlbench", "Satellite")
export("servo", get("Servo", "mlbench"), "Class", "reg", "mlbench", "Servo")
export("shuttle", get("Shuttle", "mlbench"), "Class", "class", "mlbench", "Shuttle")
export("sonar", get("Sonar", "mlbench"), "Class", "class", "mlbench", "Sonar")
export("soybean", get("Soybean", "mlbench"), "Class", "class", "mlbench", "Soybean")
export("vehicle", get("Vehicle", "mlbench"), "Class", "class", "mlbench", "Vehicle")
export("vowel", get("Vowel", "mlbench"), "Class", "class", "mlbench", "Vowel")
export("zoo", get("Zoo", "mlbench"), "type", "class", "mlbench", "Zoo")
# modeldata
export("two-class", get("two_class_dat", "modeldata"), "Class", "class", "modeldata", "two_class_dat")
export("penguins", get("penguins", "modeldata"), "species", "class", "modeldata", "penguins")
export("attrition", get("attrition", "modeldata"), "Attrition", "class", "modeldata", "attrition")
export("credit", get("credit_data", "modeldata"), "Status", "class", "modeldata", "credit_data")
export("churn", get("mlc_churn", "modeldata"), "churn", "class", "modeldata", "mlc_churn", drop = "state")
export("cells", get("cells", "modeldata"), "class", "class", "modeldata", "cells", drop = "case")
export("hpc", get("hpc_data", "modeldata"), "class", "class", "modeldata", "hpc_data")
export("ad", get("ad_data", "modeldata"), "Class", "class", "modeldata", "ad_data")
export("pd-speech", get("pd_speech", "modeldata"), "class", "class", "modeldata", "pd_speech", drop = "id")
export("oils", get("oils", "modeldata"), "class", "class", "modeldata", "oils")
export("wa-churn", get("wa_churn", "modeldata"), "churn", "class", "modeldata", "wa_churn")
export("lending-club", get("lending_club", "modeldata"), "Class", "class", "modeldata", "lending_club",
       drop = c("addr_state", "sub_grade"))
export("parabolic", get("parabolic", "modeldata"), "class", "class", "modeldata", "parabolic")
bivariate <- new.env()
utils::data("bivariate", package = "modeldata", envir = bivariate)
export("bivariate", rbind(bivariate$bivariate_train, bivariate$bivariate_test, bivariate$bivariate_val),
       "Class", "class", "modeldata", "bivariate")
export("concrete", get("concrete", "modeldata"), "compressive_strength", "reg", "modeldata", "concrete")
export("ames", get("ames", "modeldata"), "Sale_Price", "reg", "modeldata", "ames")
export("biomass", get("biomass", "modeldata"), "HHV", "reg", "modeldata", "biomass", drop = c("sample", "dataset"))
export("car-prices", get("car_prices", "modeldata"), "Price", "reg", "modeldata", "car_prices")
export("sacramento", get("Sacramento", "modeldata"), "price", "reg", "modeldata", "Sacramento", drop = c("city", "zip"))
# MASS and datasets
export("crabs", transform(get("crabs", "MASS"), kind = paste(sp, sex)), "kind", "class", "MASS", "crabs",
       drop = c("sp", "sex", "index"))
export("biopsy", get("biopsy", "MASS"), "class", "class", "MASS", "biopsy", drop = "ID")
export("cpus", get("cpus", "MASS"), "perf", "reg", "MASS", "cpus", drop = c("name", "estperf"))
export("iris", get("iris", "datasets"), "Species", "class", "datasets", "iris")
export("swiss", get("swiss", "datasets"), "Fertility", "reg", "datasets", "swiss")
export("quakes", get("quakes", "datasets"), "mag", "reg", "datasets", "quakes")

utils::write.table(index, file.path(out, "index.tsv"), sep = "\t", row.names = FALSE, quote = FALSE)
