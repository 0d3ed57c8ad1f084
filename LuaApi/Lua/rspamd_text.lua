-- rspamd{text} methods and the rspamd_text module, over the raw text_* host functions (TextModule.cs), which return
-- `true, results...` or `false, message` (prelude.lua). The wrappers raise the message at level 2, so the error
-- points at the caller's line; text_eq never fails.
local raw = ...
local error, getmetatable, type = error, getmetatable, type

local text_mt = raw.text_mt
local text_tostring, text_len = raw.text_tostring, raw.text_len
local text_sub, text_span, text_find = raw.text_sub, raw.text_span, raw.text_find
local text_byte, text_at = raw.text_byte, raw.text_at
local text_concat, text_eq = raw.text_concat, raw.text_eq
local text_line, text_split = raw.text_line, raw.text_split
local text_fromstring, text_fromtable = raw.text_fromstring, raw.text_fromtable

-- A raw function's results after its `true`, raising `false, message`. Must be reached by a tail call
-- (`return pass(raw_fn(...))`) so that level 2 is the wrapper's caller.
local function pass(ok, ...)
  if not ok then error((...), 2) end
  return ...
end

local methods = {}

-- The number rspamd 3.4 gives as rspamd_text.cookie and as every text's `cookie` field: code that walks mixed values
-- (rspamd's fun.lua) tells texts apart by it.
local COOKIE = 723644271
methods.cookie = COOKIE

function methods.len(self) return pass(text_len(self)) end

function methods.str(self) return pass(text_tostring(self)) end

-- string.sub semantics (negative positions count from the end); a new text.
function methods.sub(self, i, j) return pass(text_sub(self, i, j)) end

-- `len` bytes (default: the rest) from the 1-based `start`; a new text.
function methods.span(self, start, len) return pass(text_span(self, start, len)) end

-- Plain byte search: start, end (1-based) of the first occurrence at or after `init`, or nil.
function methods.find(self, pattern, init) return pass(text_find(self, pattern, init)) end

-- string.byte semantics: the byte values of positions i..j (default i = 1, j = i).
function methods.byte(self, i, j) return pass(text_byte(self, i, j)) end

-- The byte at position i (negative counts from the end), or nil out of range.
function methods.at(self, i) return pass(text_at(self, i)) end

-- Iterator over lines (split on "\n", a "\r" before it dropped; no empty line after a final "\n"),
-- as texts, or strings when `stringify` is true.
function methods.lines(self, stringify)
  stringify = stringify == true
  local ok, pos, piece = text_line(self, 0, stringify)
  if not ok then error(pos, 2) end
  return function()
    if pos == nil then return nil end
    local current = piece
    ok, pos, piece = text_line(self, pos, stringify)
    return current
  end
end

-- Iterator over the pieces between occurrences of the plain byte string `sep` (empty pieces skipped, as rspamd
-- does), as texts, or strings when `stringify` is true.
function methods.split(self, sep, stringify)
  stringify = stringify == true
  local ok, pos, piece = text_split(self, sep, 0, stringify)
  if not ok then error(pos, 2) end
  return function()
    if pos == nil then return nil end
    local current = piece
    ok, pos, piece = text_split(self, sep, pos, stringify)
    return current
  end
end

-- __name stays "rspamd{text}" (set by luaL_newmetatable), so Lua's own messages name the type. Lua keeps only a
-- metamethod's first result, so the metamethods are wrappers too.
-- __tostring and __len called directly with something else than a text (getmetatable(t).__len(42)) answer
-- `false, message` instead of raising, as they always have.
text_mt.__index = methods
text_mt.__tostring = function(self)
  local ok, s = text_tostring(self)
  if ok then return s end
  return false, s
end
text_mt.__len = function(self)
  local ok, n = text_len(self)
  if ok then return n end
  return false, n
end
text_mt.__eq = function(a, b)
  local _, equal = text_eq(a, b)
  return equal
end
text_mt.__concat = function(a, b) return pass(text_concat(a, b)) end

local function fromstring(str) return pass(text_fromstring(str)) end

local function fromtable(tbl, delim) return pass(text_fromtable(tbl, delim)) end

raw.provide('rspamd_text', {
  cookie = COOKIE,
  fromstring = fromstring,
  from_string = fromstring,
  fromtable = fromtable,
  from_table = fromtable,
  is_text = function(v) return type(v) == 'userdata' and getmetatable(v) == text_mt end,
})
