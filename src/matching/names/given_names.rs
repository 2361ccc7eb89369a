//! Given names that name the same person in other languages or as a
//! nickname (`William`, `Bill`, `Guillermo`, `Wilhelm`): edit distance
//! cannot see that `Bill` is `William`, and a customer record often holds
//! the form its owner uses, not the one a list gives.
//!
//! Each group is one name; a word may belong to several (`ted` is both
//! Edward and Theodore, `jacques` both James and Jacob). Two words that
//! share a group pair at `GIVEN_NAME_SIM`, below an exact match: the
//! explanation says they are equivalents, and the identical spelling still
//! scores higher. Forms that edit distance already pairs (`Mikhail`,
//! `Michael`) are listed anyway so that the group is whole. Words kept out
//! on purpose: forms that are more often another name or a common word
//! (`ben` is also a particle, `jan` a month in English, `per` a word),
//! and female and male forms of one root, which name different people.
//!
//! Words are written as normalisation leaves them: lower case ASCII,
//! without apostrophes or hyphens.

/// Similarity of two given names that share a group.
pub const GIVEN_NAME_SIM: f64 = 0.9;

/// The groups. Keep each word in its normalised form; the table test
/// checks that no group repeats a word and that every word is one token.
#[rustfmt::skip]
pub const GIVEN_NAMES: &[&[&str]] = &[
    // Men's names.
    &["alexander", "alex", "alexandre", "alejandro", "alessandro", "aleksandr", "aleksander",
        "aleksandar", "alexandros", "oleksandr", "sasha", "sandro", "alec", "iskander", "iskandar"],
    &["alexei", "alexey", "aleksei", "aleksey", "alexej", "oleksii", "oleksiy", "alex"],
    &["andrew", "andy", "andre", "andres", "andreas", "andrei", "andrey", "andrii", "andriy",
        "andrzej", "andrea"],
    &["anthony", "tony", "antonio", "anton", "antoine", "antonios", "antoni", "antony"],
    &["basil", "vasily", "vasiliy", "vasili", "vassili", "vasyl", "basilio", "vasilis", "vasileios"],
    &["benjamin", "benny", "benji", "bibi", "binyamin", "benyamin", "veniamin"],
    &["charles", "charlie", "chuck", "carlos", "carlo", "karl", "carl", "karol", "karel"],
    &["constantine", "konstantin", "kostya", "konstantinos", "constantin", "kostiantyn", "costas",
        "kostas"],
    &["daniel", "dan", "danny", "daniele", "danilo", "daniil", "danylo"],
    &["david", "dave", "davy", "davide", "davit", "dawid", "daoud", "dawood", "dawud", "daud"],
    &["dmitry", "dmitri", "dmitriy", "dmytro", "dimitri", "dimitrios", "dimitar", "dima"],
    &["edward", "ed", "eddie", "eddy", "ted", "ned", "eduardo", "edouard", "edoardo", "eduard"],
    &["eugene", "evgeny", "evgeni", "evgeniy", "yevgeny", "yevgeniy", "yevhen", "eugenio", "eugen",
        "zhenya"],
    &["francis", "frank", "francisco", "francesco", "francois", "franz", "frantisek", "franciszek",
        "paco", "pancho", "frankie"],
    &["frederick", "frederic", "fred", "freddie", "freddy", "federico", "friedrich", "fritz",
        "fryderyk", "frederik"],
    &["george", "georg", "georges", "jorge", "giorgio", "georgi", "georgiy", "georgy", "jerzy",
        "jurgen", "yuri", "yury", "yuriy", "yurii", "giorgos", "gheorghe"],
    &["gregory", "greg", "grigory", "grigoriy", "grigori", "gregorio", "gregor", "gregoire",
        "hryhoriy"],
    &["henry", "harry", "hank", "henri", "enrique", "enrico", "heinrich", "heinz", "hendrik",
        "henrik", "genrikh"],
    &["jacob", "jake", "jakob", "jacobo", "yakov", "yaakov", "iakov", "jakub", "yaqub", "yakub",
        "jacques", "jacopo"],
    &["james", "jim", "jimmy", "jamie", "jaime", "giacomo", "jacques", "seamus", "hamish"],
    &["john", "johnny", "jon", "jack", "juan", "jean", "johann", "johannes", "hans", "giovanni",
        "gianni", "ivan", "ioannis", "joao", "sean", "shaun", "shawn", "ian", "iain", "yohannes",
        "jovan", "janos"],
    &["joseph", "joe", "joey", "jose", "josef", "jozef", "giuseppe", "iosif", "yosef", "yusuf",
        "yousef", "youssef", "yousuf", "pepe", "beppe"],
    &["joshua", "josh", "yehoshua", "josue"],
    &["matthew", "matt", "mateo", "matteo", "matthias", "mathias", "matvey", "matvei", "mateus",
        "mateusz", "matthieu", "mattia"],
    &["michael", "mike", "mikey", "mick", "miguel", "michel", "mikhail", "mikhael", "michal",
        "mikael", "mihail", "mykhailo", "mykhaylo", "misha"],
    &["nicholas", "nicolas", "nick", "nicky", "nikolai", "nikolay", "nicola", "nicolo", "niccolo",
        "mykola", "klaus", "nikolaus", "nikos", "nikola", "mikolaj", "nils"],
    &["paul", "pablo", "paolo", "pavel", "pavlo", "paulo", "pawel", "paulus", "pavlos"],
    &["peter", "pete", "pedro", "pierre", "pietro", "piotr", "pyotr", "petr", "petro", "petros",
        "boutros", "butrus", "pieter", "piet"],
    &["richard", "rick", "ricky", "dick", "ricardo", "riccardo", "rikard", "ryszard"],
    &["robert", "bob", "bobby", "rob", "robbie", "roberto"],
    &["samuel", "sam", "sammy", "samuele", "shmuel"],
    &["sergei", "sergey", "serhiy", "serhii", "sergio", "serge", "sergiu", "sergiy"],
    &["stephen", "steven", "steve", "stefan", "stephan", "esteban", "stefano", "stepan", "etienne",
        "istvan", "stefanos", "stevie"],
    &["theodore", "ted", "teddy", "theo", "fyodor", "fedor", "feodor", "teodor", "teodoro",
        "theodoros"],
    &["thomas", "tom", "tommy", "tomas", "tommaso", "tomasz", "thom"],
    &["vladimir", "volodymyr", "vova", "volodya", "wlodzimierz", "vlad"],
    &["william", "bill", "billy", "will", "willy", "willie", "wilhelm", "guillaume", "guillermo",
        "guglielmo", "willem", "vilhelm", "liam"],
    // Women's names.
    &["anne", "ann", "anna", "annie", "hannah", "hanna", "ana", "anya", "anke"],
    &["catherine", "katherine", "kathryn", "kate", "katie", "cathy", "kathy", "catalina",
        "caterina", "katarina", "katharina", "ekaterina", "yekaterina", "katya", "katerina",
        "kateryna", "katarzyna", "kasia"],
    &["elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "elisabeth", "elisabetta",
        "elizaveta", "yelizaveta", "elzbieta", "liza"],
    &["helen", "helena", "elena", "yelena", "olena", "helene", "jelena", "ellen"],
    &["margaret", "maggie", "meg", "peggy", "marguerite", "margarita", "margherita", "margarete",
        "margareta"],
    &["mary", "maria", "marie", "mariya", "maryam", "miriam", "mariam", "marija", "mariia"],
    &["susan", "sue", "susie", "suzanne", "susanna", "susana", "zuzana"],
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::names::normalize::normalize_text;

    #[test]
    fn every_word_is_one_normalised_token_once_a_group() {
        for group in GIVEN_NAMES {
            for (i, w) in group.iter().enumerate() {
                assert_eq!(normalize_text(w), *w, "{w} is not in normalised form");
                assert!(!group[..i].contains(w), "{w} repeats in its group");
                assert!(w.len() >= 2, "{w}: one letter is an initial");
            }
        }
    }
}
