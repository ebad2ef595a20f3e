-- wrk -s random.lua URL -- QUERYFILE [PREFIX] [OFFSET]
--
-- Each request takes the next path of QUERYFILE (one query per line, relative to the mount
-- point, written by gen_data.py in random order), prefixed with PREFIX (default "/rootcauses/"),
-- starting at line OFFSET (default 0) and wrapping around: within a round every request is a
-- different query as long as the file has more lines than the round has requests. Two runs with
-- the same OFFSET send the same sequence, so rounds against two servers compare like with like.

local paths = {}
local n = 0
local i = 0

function init(args)
    local file = args[1] or error("random.lua: no query file (wrk ... -- QUERYFILE [PREFIX] [OFFSET])")
    local prefix = args[2] or "/rootcauses/"
    for line in io.lines(file) do
        if line ~= "" then
            n = n + 1
            paths[n] = prefix .. line
        end
    end
    if n == 0 then
        error("random.lua: " .. file .. " has no queries")
    end
    -- wrk gives each thread its own Lua state: spread the threads over the file.
    i = (tonumber(args[3] or "0") + (wrk.thread and (tonumber(wrk.thread:get("id") or 0) * 7919) or 0)) % n
end

function setup(thread)
    setup_count = (setup_count or 0) + 1
    thread:set("id", setup_count - 1)
end

function request()
    i = i % n + 1
    return wrk.format(nil, paths[i])
end
