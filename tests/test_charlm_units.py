"""Looking for an interpretable unit: text features, reading held-out text in paragraph chunks, correlations,
the unit table and the text coloured by a unit's activation."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lstm_helpers as lh  # noqa: E402
from lstm_helpers import charlm as cl  # noqa: E402
from lstm_helpers.lessons import charlm_units as cu  # noqa: E402


def test_text_features_step_by_step():
    f = cu.text_features('a "b (c" d)\nx)')
    np.testing.assert_array_equal(f["inside quotes"], [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(f["inside parentheses"], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    np.testing.assert_array_equal(f["position in word"], [1, 0, 1, 2, 0, 1, 2, 3, 0, 1, 2, 0, 1, 2])
    np.testing.assert_array_equal(f["position in paragraph"], np.r_[1:12, 0, 1, 2])
    assert list(f) == list(cu.FEATURES)
    with pytest.raises(TypeError, match="'text'"):
        cu.text_features(["a"])


def test_paragraph_chunks_start_paragraphs_and_cover_the_rest():
    v = cl.Vocab.from_text(cl.ALPHABET)
    text = "tail of a paragraph\n" + "".join(f"paragraph number {k} is here.\n" for k in range(12))
    ids = v.encode(text)
    pieces = cu.paragraph_chunks(ids, v.chars.index("\n"), 4)
    assert len(pieces) == 4
    assert "".join(v.decode(p) for p in pieces) == text[text.index("\n") + 1:]
    assert all(v.decode(p).startswith("paragraph number") for p in pieces)
    assert max(map(len, pieces)) - min(map(len, pieces)) <= 30
    with pytest.raises(ValueError, match="'chunks'"):
        cu.paragraph_chunks(ids, v.chars.index("\n"), 50)
    with pytest.raises(ValueError, match="'ids'"):
        cu.paragraph_chunks(np.array([1.5, 2.0]), 0, 1)


def test_unit_activations_equal_reading_each_chunk_alone():
    v = cl.Vocab.from_text(cl.ALPHABET)
    m = lh.SequenceModel("lstm", len(v), 5, len(v), readout="all", dtype=np.float64, seed=3)
    text = "x\n" + "".join(f'the "word" {k} (in parentheses).\n' for k in range(9))
    read, acts = cu.unit_activations(m, v, v.encode(text), chunks=3)
    assert read == text[2:]
    assert acts["C_t"].shape == acts["h_t"].shape == (len(read), 5)
    first = cu.paragraph_chunks(v.encode(text), v.chars.index("\n"), 3)[0]
    out, _ = m.cell.forward(lh.one_hot(first, len(v))[:, None, :])
    np.testing.assert_allclose(acts["h_t"][:len(first)], out[:, 0], rtol=1e-12)
    np.testing.assert_allclose(acts["C_t"][:len(first)], m.cell.last_gates()["C_t"][:, 0], rtol=1e-12)


def test_correlations_are_pearson():
    rng = np.random.default_rng(0)
    f = rng.normal(size=200)
    values = np.stack([f, -2 * f + 1, rng.normal(size=200), np.ones(200)], axis=1)
    r = cu.correlations(values, f)
    np.testing.assert_allclose(r[:3], [1.0, -1.0, np.corrcoef(values[:, 2], f)[0, 1]], atol=1e-12)
    assert r[3] == 0.0
    with pytest.raises(ValueError, match="'feature'"):
        cu.correlations(values, f[:10])


def test_unit_table_finds_the_planted_unit_and_its_margin():
    text = "".join(f'a "quoted {k}" word and (another) one\n' for k in range(30))
    feats = cu.text_features(text)
    rng = np.random.default_rng(1)
    C = rng.normal(size=(len(text), 6))
    h = rng.normal(size=(len(text), 6))
    C[:, 4] = -feats["inside quotes"] + 0.1 * rng.normal(size=len(text))      # unit 4 follows the quotes
    h[:, 2] = feats["position in word"]                                         # unit 2 counts letters
    table = cu.unit_table(text, {"C_t": C, "h_t": h})
    assert [u.feature for u in table] == list(cu.FEATURES)
    quotes, _, word, _ = table
    assert (quotes.state, quotes.unit) == ("C_t", 4) and quotes.r < -0.9 and quotes.runner_up_r < 0.5
    assert (word.state, word.unit) == ("h_t", 2) and word.r == pytest.approx(1.0)
    assert quotes.margin == pytest.approx(abs(quotes.r) - quotes.runner_up_r)
    assert cu.standout(table) in (quotes, word)
    assert cu.standout([quotes]) == quotes
    with pytest.raises(ValueError, match="'table'"):
        cu.standout([])
    with pytest.raises(TypeError, match="'acts'"):
        cu.unit_table(text, {"C_t": C})
    with pytest.raises(ValueError, match=r"'acts\['h_t'\]'"):
        cu.unit_table(text, {"C_t": C, "h_t": h[:-1]})


def test_text_grid_breaks_rows_at_newlines_and_width():
    rows, grid = cu.text_grid("abcdefg\nhi", np.arange(10.0), 4)
    assert rows == ["abcd", "efg", "hi"]
    np.testing.assert_array_equal(grid[0], [0, 1, 2, 3])
    np.testing.assert_array_equal(grid[1, :3], [4, 5, 6]) and np.isnan(grid[1, 3])
    np.testing.assert_array_equal(grid[2, :2], [8, 9])
    assert cu.text_grid("ab cd ef", np.zeros(8), 5)[0] == ["ab cd", "ef"]        # a space at the break is dropped
    rows, grid = cu.text_grid("abc defgh", np.arange(9.0), 5)
    assert rows == ["abc ", "defgh"]                                            # rows break after a space
    np.testing.assert_array_equal(grid[1], [4, 5, 6, 7, 8])


def test_plot_unit_text_colours_by_value_centred_at_zero():
    fig, ax = plt.subplots()
    image = cu.plot_unit_text(ax, "ab c\nd", np.array([1.0, -2.0, 0.0, 0.5, 9.0, 0.25]), width=10, label="C_t")
    assert image.get_clim() == (-2.0, 2.0)
    assert image.get_cmap().name == cu.UNIT_CMAP
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c", "d"]
    assert image.get_array().shape == (2, 10)
    plt.close(fig)
    with pytest.raises(ValueError, match="'values'"):
        cu.plot_unit_text(ax, "abc", np.zeros(2))


def test_mean_by_feature():
    assert cu.mean_by_feature(np.array([1.0, 3.0, 10.0]), np.array([1, 1, 0])) == (2.0, 10.0)
    with pytest.raises(ValueError, match="'feature'"):
        cu.mean_by_feature(np.ones(3), np.ones(3))
