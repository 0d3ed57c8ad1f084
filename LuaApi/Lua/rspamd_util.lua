-- rspamd_util: only the clocks so far (raw.util_time / raw.util_ticks in LoggerModule.cs). The table holds nothing
-- else, so a plugin that needs more of rspamd_util fails where it calls it rather than getting a stand-in.
local raw = ...
local util_time, util_ticks = raw.util_time, raw.util_ticks

raw.provide('rspamd_util', {
  -- Wall clock: seconds since the Unix epoch, with a fraction.
  get_time = function()
    local _, now = util_time()
    return now
  end,
  -- Monotonic seconds (an arbitrary origin): for measuring intervals.
  get_ticks = function()
    local _, now = util_ticks()
    return now
  end,
})
