-- DuckLake cannot hold the fts extension's index (its tables come with macros, which a
-- DuckLake catalog cannot store): a search builds the index in this process's in-memory
-- database instead, reading the articles through the lake on the search path.
use memory;
set search_path = 'memory.main,newsmon.main';
