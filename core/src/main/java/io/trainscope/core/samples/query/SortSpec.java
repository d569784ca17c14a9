package io.trainscope.core.samples.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a query after {@code sortby}: comma-separated keys, each a column (backticks
 * allowed) with an optional {@code asc}/{@code desc}, and scope tokens anywhere among them.
 * Unlike the filter, keys are words split on spaces and commas, so {@code signals//train_loss/sample}
 * needs no backticks.
 */
record SortSpec(List<SortKey> keys, SortScope scope, Optional<ViewSlice> slice) {

    private static final Pattern SLICE_BOUND = Pattern.compile("(?i)(start|count):(.*)");

    /** A word of the sort spec: its text (backticks removed), whether it was backticked, and its offset. */
    private record Word(String text, boolean quoted, int offset) {
        int position() {
            return offset + 1;
        }
    }

    /** Parses {@code text} from {@code offset}, just after the {@code sortby} keyword. */
    static SortSpec parse(String text, int offset) {
        List<List<Word>> pieces = new ArrayList<>();
        List<Word> piece = new ArrayList<>();
        int at = offset;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (Character.isWhitespace(c)) {
                at++;
            } else if (c == ',') {
                pieces.add(piece);
                piece = new ArrayList<>();
                at++;
            } else if (c == '`') {
                int close = text.indexOf('`', at + 1);
                if (close < 0) {
                    throw new QueryException("unterminated column name starting at position " + (at + 1) + "; close it with `");
                }
                piece.add(new Word(text.substring(at + 1, close), true, at));
                at = close + 1;
            } else {
                int start = at;
                while (at < text.length() && !Character.isWhitespace(text.charAt(at)) && ",`".indexOf(text.charAt(at)) < 0) {
                    at++;
                }
                piece.add(new Word(text.substring(start, at), false, start));
            }
        }
        pieces.add(piece);
        return new Reader().read(pieces);
    }

    /** Sorts the words of each piece into keys and scope tokens. */
    private static final class Reader {
        private final List<SortKey> keys = new ArrayList<>();
        private Word scopeWord;
        private SortScope scope = SortScope.SUBSET;
        private Word startWord;
        private Word countWord;

        SortSpec read(List<List<Word>> pieces) {
            for (int i = 0; i < pieces.size(); i++) {
                List<Word> rest = new ArrayList<>();
                for (Word word : pieces.get(i)) {
                    if (!scopeToken(word)) {
                        rest.add(word);
                    }
                }
                if (rest.isEmpty() && pieces.get(i).isEmpty() && pieces.size() > 1) {
                    throw new QueryException("empty sort key: a ',' at the start or end of the sort, or two in a row");
                }
                if (!rest.isEmpty()) {
                    key(rest);
                }
            }
            if (keys.isEmpty()) {
                throw new QueryException("sortby needs at least one column to sort by");
            }
            return new SortSpec(keys, scope, slice());
        }

        private boolean scopeToken(Word word) {
            if (word.quoted()) {
                return false;
            }
            String lower = word.text().toLowerCase(Locale.ROOT);
            if (lower.equals("sortby")) {
                throw new QueryException("'sortby' may appear only once (again at position " + word.position() + ")");
            }
            if (word.text().contains(";")) {
                throw new QueryException("semicolons (in '" + word.text() + "' at position " + word.position()
                        + ") are not allowed: a query is one filter and one sort");
            }
            if (lower.startsWith("scope:")) {
                if (scopeWord != null) {
                    throw new QueryException("scope given twice: '" + scopeWord.text() + "' and '" + word.text()
                            + "' at position " + word.position());
                }
                scope = switch (lower) {
                    case "scope:global" -> SortScope.GLOBAL;
                    case "scope:subset" -> SortScope.SUBSET;
                    case "scope:view" -> SortScope.VIEW;
                    default -> throw new QueryException("unknown scope '" + word.text() + "' at position " + word.position()
                            + "; use scope:global, scope:subset or scope:view");
                };
                scopeWord = word;
                return true;
            }
            Matcher bound = SLICE_BOUND.matcher(word.text());
            if (bound.matches()) {
                boolean start = bound.group(1).equalsIgnoreCase("start");
                if ((start ? startWord : countWord) != null) {
                    throw new QueryException("'" + bound.group(1) + ":' given twice (again at position " + word.position() + ")");
                }
                number(word, bound.group(2));
                if (start) {
                    startWord = word;
                } else {
                    countWord = word;
                }
                return true;
            }
            return false;
        }

        private void key(List<Word> words) {
            if (words.size() > 2) {
                Word extra = words.get(2);
                throw new QueryException("unexpected '" + extra.text() + "' at position " + extra.position()
                        + " in the sort; separate sort keys with ','");
            }
            boolean descending = false;
            if (words.size() == 2) {
                Word direction = words.get(1);
                String lower = direction.text().toLowerCase(Locale.ROOT);
                if (direction.quoted() || !(lower.equals("asc") || lower.equals("desc"))) {
                    throw new QueryException("expected 'asc' or 'desc' after sort key '" + words.get(0).text() + "', found '"
                            + direction.text() + "' at position " + direction.position());
                }
                descending = lower.equals("desc");
            }
            if (keys.size() == DataQuery.MAX_SORT_KEYS) {
                throw new QueryException("more than " + DataQuery.MAX_SORT_KEYS + " sort keys");
            }
            keys.add(new SortKey(words.get(0).text(), descending));
        }

        private Optional<ViewSlice> slice() {
            if (scope != SortScope.VIEW) {
                Word misplaced = startWord != null ? startWord : countWord;
                if (misplaced != null) {
                    throw new QueryException("'" + misplaced.text() + "' at position " + misplaced.position()
                            + " only applies with scope:view");
                }
                return Optional.empty();
            }
            int start = startWord == null ? 0 : number(startWord, startWord.text().substring(6));
            if (start < 0) {
                throw new QueryException("'" + startWord.text() + "' at position " + startWord.position() + ": start cannot be negative");
            }
            int count = countWord == null ? 0 : number(countWord, countWord.text().substring(6));
            return Optional.of(new ViewSlice(start, count));
        }

        private static int number(Word word, String digits) {
            try {
                return Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw new QueryException("'" + word.text() + "' at position " + word.position() + " needs a whole number, e.g. start:100");
            }
        }
    }
}
