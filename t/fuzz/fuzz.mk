# The libFuzzer targets, built with clang under ASan and UBSan apart from
# the g++ build, and run one after another for FUZZ_SECONDS each. `make
# fuzz` (mk/fuzz.am) runs this with the sources, flags and libraries of
# the build; it needs GNU make.
#
# fuzz/TARGET          the fuzzer; `fuzz/TARGET -help=1` lists its options
# fuzz/corpus/TARGET/  what it found, grown from t/fuzz/corpus/TARGET/
# fuzz/TARGET.log      the last run's output
# fuzz/crashes/        the inputs that crashed, leaked or timed out

FUZZ_TARGETS = node_xml kgen dhcplog kickstart_cgi rocks_args config
FUZZ_SECONDS = 60
FUZZ_FLAGS = -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CXXFLAGS = -std=c++20 -O1 -g -fno-omit-frame-pointer $(FUZZ_SANITIZE)

O = fuzz
LIB_OBJS = $(patsubst %.cc,$(O)/obj/%.o,$(filter %.cc,$(LIB_SOURCES)))
BINS = $(addprefix $(O)/,$(FUZZ_TARGETS))

.PHONY: build run
.SECONDARY:

build: $(BINS)

$(O)/obj/%.o: $(srcdir)/%.cc
	@mkdir -p $(@D)
	@echo "  CLANG    $@"
	@$(FUZZ_CXX) $(CPPFLAGS) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -MMD -MP \
	  -c -o $@ $<

$(O)/librocks.a: $(LIB_OBJS)
	@rm -f $@
	@echo "  AR       $@"
	@ar cr $@ $^

$(O)/%: $(O)/obj/t/fuzz/%_fuzz.o $(O)/librocks.a
	@echo "  CLANGLD  $@"
	@$(FUZZ_CXX) $(FUZZ_SANITIZE) -fsanitize=fuzzer -o $@ $^ $(LIBS)

# New corpus entries go to the build's copy; the shipped corpus is only
# read. A target fails on a crash, a leak, undefined behaviour, a time-out
# or running out of memory; its input is left in $(O)/crashes/.
run: build
	@fail=0; top=`pwd`; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(O)/corpus/$$t $(O)/crashes $(O)/tmp; \
	  case $$t in node_xml|kgen) d=xml;; *) d=$$t;; esac; \
	  dict=; test ! -f $(srcdir)/t/fuzz/$$d.dict || dict=-dict=$(srcdir)/t/fuzz/$$d.dict; \
	  if TMPDIR="$$top/$(O)/tmp" $(O)/$$t $(O)/corpus/$$t $(srcdir)/t/fuzz/corpus/$$t $$dict \
	       -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(O)/crashes/$$t- \
	       $(FUZZ_FLAGS) >$(O)/$$t.log 2>&1; then \
	    echo "  FUZZ     $$t: $(FUZZ_SECONDS)s, `grep -o 'stat::number_of_executed_units: *[0-9]*' $(O)/$$t.log | grep -o '[0-9]*$$'` runs, no crash"; \
	  else \
	    echo "  FUZZ     $$t: FAILED, see $(O)/$$t.log and $(O)/crashes/"; fail=1; \
	  fi; \
	done; exit $$fail

-include $(LIB_OBJS:.o=.d) $(patsubst %,$(O)/obj/t/fuzz/%_fuzz.d,$(FUZZ_TARGETS))
