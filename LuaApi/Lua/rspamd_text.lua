-- rspamd{text} methods and the rspamd_text module, over the raw text_* host functions (TextModule.cs).
-- Raw convention: a raw function returns its results directly, or exactly `false, message` when the arguments are
-- bad (no successful result starts with false). The wrappers raise that message at level 2, so the error points at
-- the caller's line. text_eq never fails; __tostring and __len are only ever called by Lua with a text.
local raw = ...
local error, getmetatable, type = error, getmetatable, type

local text_mt = raw.text_mt
local text_tostring, text_len = raw.text_tostring, raw.text_len
local text_sub, text_span, text_find = raw.text_sub, raw.text_span, raw.text_find
local text_byte, text_at = raw.text_byte, raw.text_at
local text_concat, text_eq = raw.text_concat, raw.text_eq
local text_line, text_split = raw.text_line, raw.text_split
local text_fromstring, text_fromtable = raw.text_fromstring, raw.text_fromtable

-- Returns a raw function's results, raising `false, message`. Must be reached by a tail call
-- (`return pass(raw_fn(...))`) so that level 2 is the wrapper's caller.
local function pass(...)
  local first, message = ...
  if first == false then error(message, 2) end
  return ...
end

local methods = {}

function methods.len(self)
  local n, err = text_len(self)
  if n == false then error(err, 2) end
  return n
end

function methods.str(self)
  local s, err = text_tostring(self)
  if s == false then error(err, 2) end
  return s
end

-- string.sub semantics (negative positions count from the end); a new text.
function methods.sub(self, i, j)
  local t, err = text_sub(self, i, j)
  if t == false then error(err, 2) end
  return t
end

-- `len` bytes (default: the rest) from the 1-based `start`; a new text.
function methods.span(self, start, len)
  local t, err = text_span(self, start, len)
  if t == false then error(err, 2) end
  return t
end

-- Plain byte search: start, end (1-based) of the first occurrence at or after `init`, or nil.
function methods.find(self, pattern, init)
  local s, e = text_find(self, pattern, init)
  if s == false then error(e, 2) end
  if s == nil then return nil end
  return s, e
end

-- string.byte semantics: the byte values of positions i..j (default i = 1, j = i).
function methods.byte(self, i, j)
  return pass(text_byte(self, i, j))
end

-- The byte at position i (negative counts from the end), or nil out of range.
function methods.at(self, i)
  local b, err = text_at(self, i)
  if b == false then error(err, 2) end
  return b
end

-- Iterator over lines (split on "\n", a "\r" before it dropped; no empty line after a final "\n"),
-- as texts, or strings when `stringify` is true.
function methods.lines(self, stringify)
  stringify = stringify == true
  local pos, piece = text_line(self, 0, stringify)
  if pos == false then error(piece, 2) end
  return function()
    if pos == nil then return nil end
    local current = piece
    pos, piece = text_line(self, pos, stringify)
    return current
  end
end

-- Iterator over the pieces between occurrences of the plain byte string `sep` (empty pieces skipped, as rspamd
-- does), as texts, or strings when `stringify` is true.
function methods.split(self, sep, stringify)
  stringify = stringify == true
  local pos, piece = text_split(self, sep, 0, stringify)
  if pos == false then error(piece, 2) end
  return function()
    if pos == nil then return nil end
    local current = piece
    pos, piece = text_split(self, sep, pos, stringify)
    return current
  end
end

-- __name stays "rspamd{text}" (set by luaL_newmetatable), so Lua's own messages name the type.
text_mt.__index = methods
text_mt.__tostring = text_tostring
text_mt.__len = text_len
text_mt.__eq = text_eq
text_mt.__concat = function(a, b)
  local t, err = text_concat(a, b)
  if t == false then error(err, 2) end
  return t
end

local function fromstring(str)
  local t, err = text_fromstring(str)
  if t == false then error(err, 2) end
  return t
end

local function fromtable(tbl, delim)
  local t, err = text_fromtable(tbl, delim)
  if t == false then error(err, 2) end
  return t
end

raw.provide('rspamd_text', {
  fromstring = fromstring,
  from_string = fromstring,
  fromtable = fromtable,
  from_table = fromtable,
  is_text = function(v) return type(v) == 'userdata' and getmetatable(v) == text_mt end,
})
